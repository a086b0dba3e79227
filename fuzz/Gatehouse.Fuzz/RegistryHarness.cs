using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Registry;
using Gatehouse.Analysis.Signing;
using static Gatehouse.Fuzz.SeedFiles;

namespace Gatehouse.Fuzz;

/// <summary>
/// What a registry answers the engine's <see cref="RegistryClient"/>: the bearer challenge, the token response, the manifest
/// or index a tag names, and the cosign <c>.sig</c> manifest. The client runs as the engine runs it (<c>PullAsync</c>,
/// <c>GetCosignSignaturesAsync</c>), against a registry held in memory (an <see cref="HttpMessageHandler"/>: no socket, no
/// network) that serves a good one-layer image and its cosign signature, with the fuzzer's bytes in one answer. Its
/// documented refusal is <see cref="ImageException"/> (<c>registry.*</c>, <c>image.*</c>); anything else is a crash.
/// The registry never answers with an error body the client reads: it reads status codes only.
/// </summary>
internal static class RegistryHarness
{
    private const string Host = "registry.gatehouse.test";

    private static readonly ImagePolicy FuzzPolicy = new()
    {
        Platforms = ["linux/amd64"],
        MaxImageBytes = 16L << 20,
        MaxLayerBytes = 8L << 20,
        MaxJsonBytes = 1 << 20,
        MaxLayers = 64,
        MaxFiles = 10_000,
    };

    private static readonly Lazy<ImageReference> Reference = new(() =>
        ImageReference.TryParse(Host + "/demo/app:1.0", out var r, out var error) ? r! : throw new InvalidOperationException(error));

    /// <summary>The good image and its signature, by digest; the tag's manifest, the challenge, the token and the .sig manifest.</summary>
    private sealed record Answers(Dictionary<string, byte[]> Blobs, Dictionary<string, byte[]> Manifests, byte[] TagManifest, string Challenge, byte[] Token, byte[] SignatureManifest);

    private static readonly Lazy<Answers> Good = new(() =>
    {
        var layer = Gzip(Tar(App));
        var config = ImageSeeds.Config();
        var manifest = ImageSeeds.Manifest(config, layer);
        var signature = CosignSignature.Sign(SigningKeys.Signer, Host + "/demo/app", Sha256(manifest));
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [Sha256(layer)] = layer,
            [Sha256(config)] = config,
            [Sha256(signature.Payload)] = signature.Payload,
        };
        return new Answers(blobs, new(StringComparer.Ordinal) { [Sha256(manifest)] = manifest }, manifest,
            $"Bearer realm=\"https://{Host}/token\",service=\"{Host}\"", Utf8("""{"token":"t0ken","expires_in":300}"""),
            SignatureManifest(signature));
    });

    private static byte[] SignatureManifest(CosignSignature signature)
    {
        var config = Utf8("{}");
        return Utf8(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Sha256(config), ["size"] = config.Length },
            ["layers"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = CosignSignature.LayerMediaType,
                ["digest"] = Sha256(signature.Payload),
                ["size"] = signature.Payload.Length,
                ["annotations"] = new JsonObject { [CosignSignature.SignatureAnnotation] = signature.SignatureBase64 },
            }),
        }.ToJsonString());
    }

    private static readonly Lazy<string> Destination = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "gatehouse-fuzz-registry-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "pulled.tar");
    });

    /// <summary>The input as the token service's answer; then the signatures are read (a short conversation: ping, token, manifests).</summary>
    public static void Token(byte[] data) => TokenRefusal(data);

    /// <summary><see cref="Token"/>, returning the <see cref="ImageException"/>'s code (null: the signatures were read).</summary>
    public static string? TokenRefusal(byte[] data) => Signatures(Good.Value with { Token = data });

    /// <summary>The input as the parameters of the registry's <c>WWW-Authenticate</c> challenge (after <c>Bearer </c>).</summary>
    public static void Challenge(byte[] data) =>
        _ = Signatures(Good.Value with { Challenge = "Bearer " + System.Text.Encoding.UTF8.GetString(data) });

    /// <summary>The input as the manifest (or index) the tag names: <c>PullAsync</c> (index choice, manifest, config, layers).</summary>
    public static void Manifest(byte[] data) => ManifestRefusal(data);

    /// <summary><see cref="Manifest"/>, returning the <see cref="ImageException"/>'s code (null: the image was pulled).</summary>
    public static string? ManifestRefusal(byte[] data)
    {
        var answers = Good.Value with { TagManifest = data };
        try
        {
            new RegistryClient(new HttpClient(new InMemoryRegistry(answers)))
                .PullAsync(Reference.Value, null, Destination.Value, FuzzPolicy, CancellationToken.None).GetAwaiter().GetResult();
            return null;
        }
        catch (ImageException e)
        {
            return e.Code;
        }
    }

    /// <summary>The input as the cosign <c>.sig</c> manifest: <c>GetCosignSignaturesAsync</c>, then each layer verified as the CLI does.</summary>
    public static void SignatureManifest(byte[] data) => _ = Signatures(Good.Value with { SignatureManifest = data });

    /// <summary>The good answers with nothing fuzzed: every cosign signature found and valid (the tests check the harness reaches that far).</summary>
    public static IReadOnlyList<SignatureCheck> GoodSignatures()
    {
        var found = new RegistryClient(new HttpClient(new InMemoryRegistry(Good.Value)))
            .GetCosignSignaturesAsync(Reference.Value, null, FuzzPolicy, CancellationToken.None).GetAwaiter().GetResult();
        return [.. found.Layers.Select(l => CosignSignature.Verify(SigningKeys.Key, l.Payload!, l.SignatureBase64!, found.ManifestDigest))];
    }

    private static string? Signatures(Answers answers)
    {
        ImageSignatures found;
        try
        {
            found = new RegistryClient(new HttpClient(new InMemoryRegistry(answers)))
                .GetCosignSignaturesAsync(Reference.Value, null, FuzzPolicy, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (ImageException e)
        {
            return e.Code;
        }
        foreach (var layer in found.Layers)
            if (layer.Payload is { } payload && layer.SignatureBase64 is { } signature)
                CosignSignature.Verify(SigningKeys.Key, payload, signature, found.ManifestDigest);
        return null;
    }

    public static IEnumerable<(string, byte[])> TokenSeeds()
    {
        yield return ("token.json", Good.Value.Token);
        yield return ("access-token.json", Utf8("""{"access_token":"t0ken","token_type":"Bearer","expires_in":300,"issued_at":"2026-12-01T00:00:00Z"}"""));
    }

    public static IEnumerable<(string, byte[])> ChallengeSeeds()
    {
        yield return ("challenge.txt", Utf8(Good.Value.Challenge["Bearer ".Length..]));
        yield return ("scope.txt", Utf8($"realm=\"https://{Host}/token\",service=\"{Host}\",scope=\"repository:demo/app:pull\",error=\"insufficient_scope\""));
    }

    public static IEnumerable<(string, byte[])> ManifestSeeds()
    {
        var manifest = Good.Value.TagManifest;
        yield return ("manifest.json", manifest);
        yield return ("index.json", ImageSeeds.Index(manifest));
    }

    public static IEnumerable<(string, byte[])> SignatureManifestSeeds()
    {
        yield return ("sig-manifest.json", Good.Value.SignatureManifest);
    }

    /// <summary>
    /// A registry in memory: <c>/v2/</c> asks for a bearer token once, the realm answers the token, manifests by tag or
    /// digest, the <c>.sig</c> tag, blobs by digest; anything else is 404.
    /// </summary>
    private sealed class InMemoryRegistry(Answers answers) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Answer(request));

        private HttpResponseMessage Answer(HttpRequestMessage request)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path == "/token") return Json(answers.Token);
            if (request.Headers.Authorization is null)
            {
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
                challenge.Headers.TryAddWithoutValidation("WWW-Authenticate", answers.Challenge);
                return challenge;
            }
            if (path == "/v2/") return Json(Utf8("{}"));
            const string prefix = "/v2/demo/app/";
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) return new HttpResponseMessage(HttpStatusCode.NotFound);
            var rest = Uri.UnescapeDataString(path[prefix.Length..]);
            if (rest == "manifests/1.0") return Json(answers.TagManifest);
            if (rest.StartsWith("manifests/sha256-", StringComparison.Ordinal) && rest.EndsWith(".sig", StringComparison.Ordinal)) return Json(answers.SignatureManifest);
            if (rest.StartsWith("manifests/", StringComparison.Ordinal) && answers.Manifests.TryGetValue(rest["manifests/".Length..], out var m)) return Json(m);
            if (rest.StartsWith("blobs/", StringComparison.Ordinal) && answers.Blobs.TryGetValue(rest["blobs/".Length..], out var b))
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(b) };
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        private static HttpResponseMessage Json(byte[] body)
        {
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        }
    }
}
