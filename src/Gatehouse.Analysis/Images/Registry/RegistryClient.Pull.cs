using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Images.Reading;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Images.Registry;

// The pull (issue 17): GET /v2/, the manifest by tag or digest (its digest computed here: Docker-Content-Digest is never
// trusted), an index resolved to the policy's platform, limits checked from the descriptors before a blob is fetched, every
// blob verified while it streams into an OCI layout tar (temp name, 0600, renamed into place), which ImageArchive then opens.
public sealed partial class RegistryClient
{
    private const int MaxTokenResponseBytes = 64 << 10;

    private static readonly string[] ManifestAccept =
    [
        ImageMediaTypes.OciManifest, ImageMediaTypes.OciIndex, ImageMediaTypes.DockerManifest, ImageMediaTypes.DockerList,
    ];

    private async partial Task<ContainerImage> PullCoreAsync(ImageReference reference, RegistryCredentials? credentials, string destination, ImagePolicy policy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(policy);
        if (reference.Registry is null) throw new ImageException("registry.protocol", $"{reference} names no registry (Gatehouse has no default registry)");
        var session = new Session(this, reference, credentials);
        await session.PingAsync(ct).ConfigureAwait(false);

        // The manifest (or index) the reference names.
        var (bytes, mediaType) = await session.GetManifestAsync(reference.Digest ?? reference.Tag ?? "latest", policy, ct).ConfigureAwait(false);
        var digest = ImageDigests.Of(bytes);
        if (reference.Digest is not null && digest != reference.Digest)
            throw new ImageException("image.digest-mismatch", $"the registry served a manifest with digest {digest} for {reference.Digest}");
        ImagePlatform? platform = null;
        if (ImageMediaTypes.IsIndex(mediaType))
        {
            (digest, mediaType, platform, var size) = ChooseFromIndex(bytes, policy);
            (bytes, var servedType) = await session.GetManifestAsync(digest, policy, ct).ConfigureAwait(false);
            if (ImageDigests.Of(bytes) != digest || bytes.Length != size)
                throw new ImageException("image.digest-mismatch", $"the registry served a manifest that does not match its index descriptor {digest}");
            if (!ImageMediaTypes.IsManifest(servedType)) throw new ImageException("registry.protocol", $"the index entry {digest} is {servedType}, not an image manifest");
        }
        if (!ImageMediaTypes.IsManifest(mediaType)) throw new ImageException("registry.protocol", $"the registry served {mediaType}, not an image manifest or index");

        var (config, layers) = ParseManifest(bytes, digest, policy);
        // The config first (small, bounded): a single-platform image for another platform is refused before any layer is fetched.
        var configBytes = await session.GetBlobBytesAsync(config.Digest, config.Size, ct).ConfigureAwait(false);
        var parsedConfig = ImageConfigParser.Parse(configBytes);
        if (platform is null) ImageArchive.ChoosePlatform([parsedConfig.Platform], p => p, policy);
        var directory = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var file = new FileStream(temp, options))
            {
                var tar = new LayoutTarWriter(file);
                await tar.AddAsync("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray(), ct).ConfigureAwait(false);
                var done = new HashSet<string>(StringComparer.Ordinal);
                await tar.AddAsync("blobs/sha256/" + config.Digest[7..], configBytes, ct).ConfigureAwait(false);
                done.Add(config.Digest);
                foreach (var blob in layers)
                {
                    if (!done.Add(blob.Digest)) continue;
                    Progress?.Invoke($"pulling {blob.Digest[..19]} ({blob.Size} bytes)");
                    await session.CopyBlobAsync(blob.Digest, blob.Size, tar, ct).ConfigureAwait(false);
                }
                await tar.AddAsync("blobs/sha256/" + digest[7..], bytes, ct).ConfigureAwait(false);
                await tar.AddAsync("index.json", IndexJson(digest, mediaType, bytes.Length, platform, reference.ToString()), ct).ConfigureAwait(false);
                await tar.FinishAsync(ct).ConfigureAwait(false);
            }
            File.Move(temp, destination, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        try
        {
            using var archive = ImageArchive.Open(destination, policy);
            return archive.Image with { Format = "registry" };
        }
        catch
        {
            try { File.Delete(destination); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Called with one line per blob pulled (the CLI prints it on stderr).</summary>
    public Action<string>? Progress { get; init; }

    private sealed record Blob(string Digest, long Size);

    private static (string Digest, string MediaType, ImagePlatform Platform, long Size) ChooseFromIndex(byte[] bytes, ImagePolicy policy)
    {
        using var doc = ImageJson.Parse(bytes, "image index");
        if (!doc.RootElement.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
            throw new ImageException("registry.protocol", "the image index has no manifests array");
        if (manifests.GetArrayLength() > ImageArchive.MaxDescriptors) throw new ImageException("image.limit", "the image index lists too many manifests");
        var candidates = new List<(string Digest, string MediaType, ImagePlatform Platform, long Size)>();
        foreach (var m in manifests.EnumerateArray())
        {
            var d = ImageArchive.ParseDescriptor(m, "image index");
            // Nested indexes in a registry index are rare; only image manifests with a platform are candidates.
            if (ImageMediaTypes.IsManifest(d.MediaType) && d.Platform is not null) candidates.Add((d.Digest, d.MediaType, d.Platform, d.Size));
        }
        var (chosen, _) = ImageArchive.ChoosePlatform(candidates, c => c.Platform, policy);
        if (chosen.Size > policy.MaxJsonBytes) throw new ImageException("image.limit", $"manifest {chosen.Digest} declares {chosen.Size} bytes, over the limit of {policy.MaxJsonBytes}");
        return chosen;
    }

    private static (Blob Config, IReadOnlyList<Blob> Layers) ParseManifest(byte[] bytes, string digest, ImagePolicy policy)
    {
        using var doc = ImageJson.Parse(bytes, "image manifest " + digest);
        var root = doc.RootElement;
        if (!root.TryGetProperty("config", out var c)) throw new ImageException("registry.protocol", $"image manifest {digest} has no config");
        var config = ImageArchive.ParseDescriptor(c, "image manifest " + digest);
        if (config.Size > policy.MaxJsonBytes) throw new ImageException("image.limit", $"config {config.Digest} declares {config.Size} bytes, over the limit of {policy.MaxJsonBytes}");
        if (!root.TryGetProperty("layers", out var ls) || ls.ValueKind != JsonValueKind.Array) throw new ImageException("registry.protocol", $"image manifest {digest} has no layers");
        if (ls.GetArrayLength() > policy.MaxLayers) throw new ImageException("image.limit", $"the image has {ls.GetArrayLength()} layers, over the limit of {policy.MaxLayers}");
        var layers = ls.EnumerateArray().Select(l => ImageArchive.ParseDescriptor(l, "image manifest " + digest)).ToList();
        ImageArchive.CheckSizes(layers.Select(l => (l.Digest, l.Size)), config.Size, policy);
        foreach (var l in layers)
            if (!ImageMediaTypes.IsSupportedLayer(l.MediaType))
                throw new ImageException("image.unsupported-layer", $"layer {l.Digest} has media type {l.MediaType}; only tar and tar+gzip layers are read");
        return (new Blob(config.Digest, config.Size), layers.Select(l => new Blob(l.Digest, l.Size)).ToList());
    }

    private static byte[] IndexJson(string digest, string mediaType, long size, ImagePlatform? platform, string refName)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", ImageMediaTypes.OciIndex);
            w.WriteStartArray("manifests");
            w.WriteStartObject();
            w.WriteString("mediaType", mediaType);
            w.WriteString("digest", digest);
            w.WriteNumber("size", size);
            if (platform is not null)
            {
                w.WriteStartObject("platform");
                w.WriteString("architecture", platform.Architecture);
                w.WriteString("os", platform.Os);
                if (platform.Variant is not null) w.WriteString("variant", platform.Variant);
                w.WriteEndObject();
            }
            w.WriteStartObject("annotations");
            w.WriteString("org.opencontainers.image.ref.name", refName);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>One pull's conversation with the registry: base address, the authorization it earned, the repository.</summary>
    private sealed class Session(RegistryClient client, ImageReference reference, RegistryCredentials? credentials)
    {
        private readonly bool _insecure = client.InsecureRegistries.Contains(reference.Registry!);
        private readonly Uri _base = new($"{(client.InsecureRegistries.Contains(reference.Registry!) ? "http" : "https")}://{reference.Registry}/v2/");
        private AuthenticationHeaderValue? _authorization;

        private string Scope => $"repository:{reference.Repository}:pull";

        public async Task PingAsync(CancellationToken ct)
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, _base), ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) throw new ImageException("registry.protocol", $"{reference.Registry} does not serve the registry v2 API (/v2/ is 404)");
            EnsureSuccess(response, "/v2/");
        }

        public async Task<(byte[] Bytes, string MediaType)> GetManifestAsync(string tagOrDigest, ImagePolicy policy, CancellationToken ct)
        {
            var uri = new Uri(_base, $"{reference.Repository}/manifests/{tagOrDigest}");
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                foreach (var type in ManifestAccept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                return request;
            }, ct).ConfigureAwait(false);
            EnsureSuccess(response, $"manifest {reference.Repository}:{tagOrDigest}");
            if (response.Content.Headers.ContentLength > policy.MaxJsonBytes)
                throw new ImageException("image.limit", $"the manifest is {response.Content.Headers.ContentLength} bytes, over the limit of {policy.MaxJsonBytes}");
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var bytes = await ReadBoundedAsync(body, policy.MaxJsonBytes, "manifest", ct).ConfigureAwait(false);
            // The body's own mediaType wins over Content-Type (both are the registry's word; the body is what is hashed).
            string? mediaType = null;
            try
            {
                // StrictJson: a mediaType that is no text (bytes that are no UTF-8, "\ud800") is a refusal, not an
                // InvalidOperationException from GetString (registry-manifest fuzzing, docs/fuzzing.md).
                using var doc = StrictJson.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String)
                    mediaType = mt.GetString();
            }
            catch (JsonException e) { throw new ImageException("registry.protocol", "the registry served a manifest that is not JSON: " + e.Message, e); }
            mediaType ??= response.Content.Headers.ContentType?.MediaType ?? "";
            return (bytes, mediaType);
        }

        public async Task<byte[]> GetBlobBytesAsync(string digest, long size, CancellationToken ct)
        {
            var uri = new Uri(_base, $"{reference.Repository}/blobs/{digest}");
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), ct).ConfigureAwait(false);
            EnsureSuccess(response, $"blob {digest}");
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using var verifying = new VerifyingStream(body, digest, size);
            return await ReadBoundedAsync(verifying, (int)Math.Min(int.MaxValue, size), "config", ct).ConfigureAwait(false);
        }

        public async Task CopyBlobAsync(string digest, long size, LayoutTarWriter tar, CancellationToken ct)
        {
            var uri = new Uri(_base, $"{reference.Repository}/blobs/{digest}");
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), ct).ConfigureAwait(false);
            EnsureSuccess(response, $"blob {digest}");
            if (response.Content.Headers.ContentLength is { } length && length != size)
                throw new ImageException("image.digest-mismatch", $"blob {digest} is served with {length} bytes, its descriptor says {size}");
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using var verifying = new VerifyingStream(body, digest, size);
            await tar.AddAsync("blobs/sha256/" + digest[7..], verifying, size, ct).ConfigureAwait(false);
        }

        private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, CancellationToken ct)
        {
            var response = await SendOnceAsync(make, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized) return response;
            var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
            response.Dispose();
            if (challenge is null) throw new ImageException("registry.unauthorized", $"{reference.Registry} refused the request without naming an authentication scheme");
            await AuthenticateAsync(challenge, ct).ConfigureAwait(false);
            response = await SendOnceAsync(make, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                throw new ImageException("registry.unauthorized", credentials is null
                    ? $"{reference.Registry} requires credentials to pull {reference.Repository}"
                    : $"{reference.Registry} refused the credentials of user {credentials.Username} for {reference.Repository}");
            }
            return response;
        }

        private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> make, CancellationToken ct)
        {
            using var request = make();
            request.Headers.Authorization = _authorization;
            request.Headers.UserAgent.ParseAdd("Gatehouse/1");
            try
            {
                return await client._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw Unreachable(e, reference.Registry!);
            }
        }

        private async Task AuthenticateAsync(AuthenticationHeaderValue challenge, CancellationToken ct)
        {
            if (string.Equals(challenge.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
            {
                if (credentials is null) throw new ImageException("registry.unauthorized", $"{reference.Registry} requires credentials to pull {reference.Repository}");
                _authorization = BasicHeader(credentials);
                return;
            }
            if (!string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
                throw new ImageException("registry.unauthorized", $"{reference.Registry} asks for authentication scheme {challenge.Scheme}, which Gatehouse does not speak");
            var parameters = ParseChallenge(challenge.Parameter ?? "");
            if (!parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri)
                || !(realmUri.Scheme == Uri.UriSchemeHttps || (realmUri.Scheme == Uri.UriSchemeHttp && _insecure)))
                throw new ImageException("registry.protocol", $"{reference.Registry} named no usable token realm (https, or http for an insecure registry)");
            var query = new StringBuilder();
            if (parameters.TryGetValue("service", out var service)) query.Append("service=").Append(Uri.EscapeDataString(service));
            // The repository's pull scope, whatever the challenge named (the ping's challenge names none).
            if (query.Length > 0) query.Append('&');
            query.Append("scope=").Append(Uri.EscapeDataString(Scope));
            var tokenUri = new UriBuilder(realmUri) { Query = (realmUri.Query.TrimStart('?') is { Length: > 0 } q ? q + "&" : "") + query }.Uri;
            using var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
            if (credentials is not null) request.Headers.Authorization = BasicHeader(credentials);
            HttpResponseMessage response;
            try { response = await client._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw Unreachable(e, $"the token service of {reference.Registry}");
            }
            using (response)
            {
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    throw new ImageException("registry.unauthorized", credentials is null
                        ? $"the token service of {reference.Registry} refused an anonymous pull of {reference.Repository}"
                        : $"the token service of {reference.Registry} refused the credentials of user {credentials.Username}");
                if (!response.IsSuccessStatusCode) throw new ImageException("registry.protocol", $"the token service of {reference.Registry} answered {(int)response.StatusCode}");
                await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                var bytes = await ReadBoundedAsync(body, MaxTokenResponseBytes, "token response", ct).ConfigureAwait(false);
                string? token = null;
                try
                {
                    using var doc = StrictJson.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
                    foreach (var name in new[] { "token", "access_token" })
                        if (token is null && doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var t)
                            && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0)
                            token = t.GetString();
                }
                catch (JsonException e) { throw new ImageException("registry.protocol", "the token response is not JSON: " + e.Message, e); }
                if (token is null) throw new ImageException("registry.protocol", "the token response has no token");
                // The token goes into a header: a line break or NUL in it made AuthenticationHeaderValue throw FormatException
                // (registry-token fuzzing, docs/fuzzing.md). RFC 6750's b64token is visible ASCII; so must this be.
                if (token.Any(c => c is < '!' or > '~')) throw new ImageException("registry.protocol", "the token response's token is not visible ASCII");
                _authorization = new AuthenticationHeaderValue("Bearer", token);
            }
        }

        private void EnsureSuccess(HttpResponseMessage response, string what)
        {
            if (response.IsSuccessStatusCode) return;
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound => new ImageException("registry.not-found", $"{reference.Registry} has no {what}"),
                HttpStatusCode.Forbidden => new ImageException("registry.unauthorized", $"{reference.Registry} forbids {what}"),
                _ => new ImageException("registry.protocol", $"{reference.Registry} answered {(int)response.StatusCode} for {what}"),
            };
        }

        private static AuthenticationHeaderValue BasicHeader(RegistryCredentials c) =>
            new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.Username}:{c.Password}")));
    }

    /// <summary>Parses <c>realm="...",service="...",scope="..."</c> (quoted or token values, commas inside quotes kept).</summary>
    internal static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            while (i < parameter.Length && (parameter[i] == ',' || char.IsWhiteSpace(parameter[i]))) i++;
            var eq = parameter.IndexOf('=', i);
            if (eq < 0) break;
            var key = parameter[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < parameter.Length && parameter[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < parameter.Length && parameter[i] != '"')
                {
                    if (parameter[i] == '\\' && i + 1 < parameter.Length) i++;
                    sb.Append(parameter[i++]);
                }
                i++;
                value = sb.ToString();
            }
            else
            {
                var end = parameter.IndexOf(',', i);
                if (end < 0) end = parameter.Length;
                value = parameter[i..end].Trim();
                i = end;
            }
            if (key.Length > 0) result[key] = value;
        }
        return result;
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, int max, string what, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > max) throw new ImageException("image.limit", $"the {what} is over the limit of {max} bytes");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
