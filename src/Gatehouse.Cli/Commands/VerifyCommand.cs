using System.CommandLine;
using System.Security.Cryptography;
using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Registry;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse verify ARTIFACT|IMAGE --key FILE|URL [--bundle B] [--ticket T] [--keyring K] [--format table|json]</c>:
/// checks Gatehouse's (or a vendor's) signatures offline against trusted public keys: for a file, its Sigstore bundle
/// (default <c>ARTIFACT.sigstore.json</c>), its approval ticket (default <c>ARTIFACT.ticket.sigstore.json</c> when
/// present) and, for a chart, the <c>.prov</c> next to it; for an image reference, the cosign signature
/// (<c>sha256-&lt;hex&gt;.sig</c>) of the manifest digest computed here. Exit 0 only when every check holds and at least one
/// signature was checked, 1 with the reason otherwise, 2 usage, 3 a key URL or registry could not be read.
/// </summary>
internal static class VerifyCommand
{
    /// <summary>No signature was found to check (no bundle, no .prov, no .sig).</summary>
    public const string NoSignature = "signing.no-signature";

    /// <summary>The suffix of the default ticket name.</summary>
    public const string TicketSuffix = ".ticket.sigstore.json";

    private const int MaxKeyringBytes = HelmProvenance.MaxKeyringBytes;

    public static Command Create(CliEnvironment env)
    {
        var target = new Argument<string>("artifact") { Description = "A file, or an image reference with a registry (host[:port]/repo@sha256:… or :tag)." };
        var key = new Option<string>("--key", "-k")
        {
            Description = "The trusted public keys: a PEM file or JWKS file, or a URL (the server's /.well-known/gatehouse/keys JWKS, or keys.pem).",
            HelpName = "file|url",
            Required = true,
        };
        var bundle = new Option<string?>("--bundle") { Description = "The file's Sigstore bundle (default: ARTIFACT.sigstore.json).", HelpName = "file" };
        var ticket = new Option<string?>("--ticket") { Description = "The approval ticket (default: ARTIFACT.ticket.sigstore.json when present).", HelpName = "file" };
        var keyring = new Option<string?>("--keyring") { Description = "Charts: the OpenPGP public keyring for the .prov (default: pubring.gpg next to a --key URL).", HelpName = "file" };
        var registryUser = new Option<string?>("--registry-user")
        {
            Description = "Images: user for the registry; the password comes from $" + ImageInput.PasswordVariable + " or --registry-password-stdin.",
            HelpName = "user",
        };
        var passwordStdin = new Option<bool>("--registry-password-stdin") { Description = "Images: read the registry password from the first line of stdin." };
        var insecure = new Option<bool>("--insecure-registry") { Description = "Images: talk to the registry over plain http (loopback test registries)." };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("verify", "Verify the signature, digest and approval ticket of a file, chart or image against trusted public keys.")
        {
            target, key, bundle, ticket, keyring, registryUser, passwordStdin, insecure, format,
        };
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, new Request(pr.GetRequiredValue(target), pr.GetRequiredValue(key),
            pr.GetValue(bundle), pr.GetValue(ticket), pr.GetValue(keyring), pr.GetValue(registryUser), pr.GetValue(passwordStdin),
            pr.GetValue(insecure), pr.GetValue(format)), ct)));
        return command;
    }

    private sealed record Request(string Target, string Key, string? Bundle, string? Ticket, string? Keyring, string? RegistryUser,
        bool PasswordFromStdin, bool Insecure, OutputFormat Format);

    private static async Task<int> RunAsync(CliEnvironment env, Request request, CancellationToken ct)
    {
        var full = Path.GetFullPath(request.Target, env.WorkingDirectory);
        var isFile = File.Exists(full);
        ImageReference? image = null;
        if (!isFile)
        {
            if (Directory.Exists(full)) throw Usage($"{request.Target}: is a directory; verify a file or an image reference");
            if (!ImageReference.TryParse(request.Target, out image, out _) || image!.Registry is null)
                throw Usage($"{request.Target}: no such file, and no image reference with a registry (registry/name[:tag][@sha256:…])");
            if (request.Bundle is not null) throw Usage("--bundle is for files; an image's signature is the cosign .sig in its registry");
            if (request.Keyring is not null) throw Usage("--keyring is for charts");
        }
        else if (request.RegistryUser is not null || request.PasswordFromStdin || request.Insecure)
        {
            throw Usage("--registry-user, --registry-password-stdin and --insecure-registry are for image references");
        }
        // Local files named by options are checked before anything is fetched.
        string? bundlePath = request.Bundle is null ? null : ExistingFile(env, request.Bundle, "--bundle");
        string? ticketPath = request.Ticket is null ? null : ExistingFile(env, request.Ticket, "--ticket");
        string? keyringPath = request.Keyring is null ? null : ExistingFile(env, request.Keyring, "--keyring");

        var (keys, keyUri) = await LoadKeysAsync(env, request.Key, ct);
        VerifyReport report;
        if (isFile)
        {
            bundlePath ??= full + SignCommand.BundleSuffix;
            ticketPath ??= File.Exists(full + TicketSuffix) ? full + TicketSuffix : null;
            report = await VerifyFileAsync(env, full, keys, keyUri, bundlePath, request.Bundle is not null, ticketPath, keyringPath, ct);
        }
        else
        {
            report = await VerifyImageAsync(env, image!, keys, ticketPath, request, ct);
        }
        Write(env, report, request.Format);
        return report.Verified ? ExitCodes.Ok : ExitCodes.GateSaidNo;
    }

    private static async Task<VerifyReport> VerifyFileAsync(CliEnvironment env, string file, VerificationKeys keys, Uri? keyUri,
        string bundlePath, bool bundleNamed, string? ticketPath, string? keyringPath, CancellationToken ct)
    {
        byte[] sha256;
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
            sha256 = await SHA256.HashDataAsync(stream, ct);
        var hex = Convert.ToHexStringLower(sha256);
        var checks = new List<CheckResult>();
        var signatures = 0;

        if (File.Exists(bundlePath))
        {
            var bytes = await ReadBoundedAsync(bundlePath, SigstoreBundle.MaxBundleBytes, ct);
            PublicKey? used = null;
            var result = bytes is null
                ? SignatureCheck.Fail("bundle.too-large", "bundle exceeds 1 MiB")
                : keys.Verify(SignatureFiles.KeyHint(bytes), k => SigstoreBundle.VerifyDigest(k, bytes, sha256), out used);
            checks.Add(Result("bundle", bundlePath, result, used));
            signatures++;
        }
        else if (bundleNamed)
        {
            throw Usage($"--bundle {bundlePath}: no such file");
        }

        var provPath = file + ".prov";
        if (File.Exists(provPath))
        {
            signatures++;
            checks.Add(await VerifyProvenanceAsync(env, file, provPath, keyUri, keyringPath, ct));
        }
        else if (keyringPath is not null)
        {
            throw Usage($"--keyring: there is no {Path.GetFileName(provPath)} next to the file");
        }

        if (ticketPath is not null) checks.Add(await VerifyTicketAsync(keys, ticketPath, hex, ct));
        if (signatures == 0)
            checks.Insert(0, new CheckResult("signature", null, false, NoSignature,
                $"no signature found: neither {Path.GetFileName(bundlePath)} nor {Path.GetFileName(provPath)} exists (pass --bundle)", null, null));
        return new VerifyReport(file, "file", "sha256:" + hex, checks.All(c => c.Valid), checks);
    }

    private static async Task<CheckResult> VerifyProvenanceAsync(CliEnvironment env, string file, string provPath, Uri? keyUri, string? keyringPath, CancellationToken ct)
    {
        byte[]? keyring;
        if (keyringPath is not null)
        {
            keyring = await ReadBoundedAsync(keyringPath, MaxKeyringBytes, ct);
            if (keyring is null) return new CheckResult("prov", provPath, false, ProvenanceErrors.Oversized, "the keyring is too large", null, null);
        }
        else if (keyUri is not null)
        {
            keyring = await FetchAsync(env, KeyringUri(keyUri), MaxKeyringBytes, ct);
        }
        else
        {
            return new CheckResult("prov", provPath, false, ProvenanceErrors.UnknownKey,
                "a .prov is checked with an OpenPGP keyring: pass --keyring pubring.gpg, or --key the server's keys URL", null, null);
        }
        var prov = await ReadBoundedAsync(provPath, HelmProvenance.MaxProvenanceBytes, ct);
        if (prov is null) return new CheckResult("prov", provPath, false, ProvenanceErrors.Oversized, "the provenance file is too large", null, null);
        ProvenanceVerification result;
        try
        {
            var bundle = HelmProvenance.ReadPublicKeyring(keyring);
            result = HelmProvenance.Verify(System.Text.Encoding.UTF8.GetString(prov), await File.ReadAllBytesAsync(file, ct), Path.GetFileName(file), bundle);
        }
        catch (InvalidDataException e)
        {
            var code = e.Message.StartsWith(ProvenanceErrors.Oversized, StringComparison.Ordinal) ? ProvenanceErrors.Oversized : ProvenanceErrors.Malformed;
            return new CheckResult("prov", provPath, false, code, e.Message, null, null);
        }
        return new CheckResult("prov", provPath, result.Valid, result.Error, result.Detail, result.KeyId, null);
    }

    /// <summary>
    /// The keyring beside a key URL: <c>/.well-known/gatehouse/pubring.gpg</c> for any key URL under
    /// <c>/.well-known/gatehouse/</c> (keys, keys.pem, keys/{kid}.pem), else <c>pubring.gpg</c> in the key URL's folder.
    /// </summary>
    internal static Uri KeyringUri(Uri keyUri)
    {
        const string WellKnown = "/.well-known/gatehouse/";
        var at = keyUri.AbsolutePath.IndexOf(WellKnown, StringComparison.Ordinal);
        return at >= 0 ? new Uri(keyUri, keyUri.AbsolutePath[..(at + WellKnown.Length)] + "pubring.gpg") : new Uri(keyUri, "pubring.gpg");
    }

    private static async Task<CheckResult> VerifyTicketAsync(VerificationKeys keys, string ticketPath, string hex, CancellationToken ct)
    {
        var bytes = await ReadBoundedAsync(ticketPath, SigstoreBundle.MaxBundleBytes, ct);
        if (bytes is null) return new CheckResult("ticket", ticketPath, false, "bundle.too-large", "the ticket exceeds 1 MiB", null, null);
        var check = SignatureFiles.VerifyTicket(keys, bytes, hex, out var ticket, out var used);
        return Result("ticket", ticketPath, check, used) with { Ticket = ticket is null ? null : TicketView.From(ticket) };
    }

    private static async Task<VerifyReport> VerifyImageAsync(CliEnvironment env, ImageReference reference, VerificationKeys keys, string? ticketPath,
        Request request, CancellationToken ct)
    {
        RegistryCredentials? credentials = null;
        if (request.RegistryUser is not null)
        {
            var password = request.PasswordFromStdin ? (await env.In.ReadLineAsync(ct))?.TrimEnd('\r') : env.GetVariable(ImageInput.PasswordVariable);
            if (string.IsNullOrEmpty(password))
                throw Usage($"--registry-user needs a password: set {ImageInput.PasswordVariable} or pass --registry-password-stdin");
            credentials = new RegistryCredentials(request.RegistryUser, password);
        }
        else if (request.PasswordFromStdin)
        {
            throw Usage("--registry-password-stdin needs --registry-user");
        }
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            UseCookies = false,
        })
        { Timeout = env.HttpTimeout };
        var client = new RegistryClient(http)
        {
            InsecureRegistries = request.Insecure ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) { reference.Registry! } : new HashSet<string>(),
        };
        ImageSignatures found;
        try
        {
            found = await client.GetCosignSignaturesAsync(reference, credentials, ImagePolicy.Default, ct);
        }
        catch (ImageException e)
        {
            throw new CliException(ExitCodes.Incomplete, e.Code, $"{reference}: {e.Message}");
        }

        var checks = new List<CheckResult>();
        var source = CosignSignature.SignatureTag(found.ManifestDigest);
        if (found.Layers.Count == 0)
        {
            checks.Add(new CheckResult("cosign", source, false, NoSignature, $"the registry has no {source} for {found.ManifestDigest}", null, null));
        }
        else
        {
            // cosign accepts an image when any one signature layer verifies; so does this.
            SignatureCheck? failure = null;
            PublicKey? signedBy = null;
            foreach (var layer in found.Layers)
            {
                var result = layer.Payload is null ? SignatureCheck.Fail("cosign.payload-too-large", "payload exceeds 64 KiB")
                    : layer.SignatureBase64 is null ? SignatureCheck.Fail("cosign.bad-signature-encoding", "the layer has no signature annotation")
                    : keys.Verify(null, k => CosignSignature.Verify(k, layer.Payload, layer.SignatureBase64, found.ManifestDigest), out signedBy);
                if (result.Valid)
                {
                    failure = null;
                    break;
                }
                // A retired key is the most telling reason; otherwise the first layer's.
                if (failure is null || result.Code == VerificationKeys.KeyRetired) failure = result;
            }
            checks.Add(failure is null ? Result("cosign", source, SignatureCheck.Ok, signedBy) : Result("cosign", source, failure, null));
        }
        if (ticketPath is not null) checks.Add(await VerifyTicketAsync(keys, ticketPath, found.ManifestDigest[7..], ct));
        return new VerifyReport(reference.ToString(), "image", found.ManifestDigest, checks.All(c => c.Valid), checks);
    }

    /// <summary>Reads the trusted keys from a file or URL (a URL is also where the Helm keyring is looked for).</summary>
    private static async Task<(VerificationKeys Keys, Uri? Uri)> LoadKeysAsync(CliEnvironment env, string key, CancellationToken ct)
    {
        if (Uri.TryCreate(key, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            // Keys fetched over plain http can be swapped on the way; loopback is a test or a local proxy.
            if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
                Terminal.WriteWarning(env.Err, $"{uri}: the keys are fetched over plain http, so anyone on the way could replace them; use https");
            var bytes = await FetchAsync(env, uri, VerificationKeys.MaxBytes, ct);
            try
            {
                return (VerificationKeys.Parse(System.Text.Encoding.UTF8.GetString(bytes)), uri);
            }
            catch (SigningFormatException e)
            {
                throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"{uri}: not a JWKS or PEM public key ({e.Message})");
            }
        }
        var path = ExistingFile(env, key, "--key");
        var text = await ReadBoundedAsync(path, VerificationKeys.MaxBytes, ct) ?? throw Usage($"--key {key}: larger than 1 MiB");
        try
        {
            return (VerificationKeys.Parse(System.Text.Encoding.UTF8.GetString(text)), null);
        }
        catch (SigningFormatException e)
        {
            throw new CliException(ExitCodes.Usage, e.Code, $"--key {key}: {e.Message}");
        }
    }

    private static async Task<byte[]> FetchAsync(CliEnvironment env, Uri uri, int max, CancellationToken ct)
    {
        using var http = new HttpClient(env.HandlerFor(null), disposeHandler: false) { Timeout = env.HttpTimeout };
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
                throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"{uri} answered {(int)response.StatusCode}");
            if (response.Content.Headers.ContentLength > max) throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"{uri}: larger than {max} bytes");
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int n;
            while ((n = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + n > max) throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"{uri}: larger than {max} bytes");
                buffer.Write(chunk, 0, n);
            }
            return buffer.ToArray();
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.Unreachable, $"{uri}: {e.Message}");
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(string path, int max, CancellationToken ct) =>
        new FileInfo(path).Length > max ? null : await File.ReadAllBytesAsync(path, ct);

    private static string ExistingFile(CliEnvironment env, string given, string option)
    {
        var path = Path.GetFullPath(given, env.WorkingDirectory);
        return File.Exists(path) ? path : throw Usage($"{option} {given}: no such file");
    }

    private static CheckResult Result(string check, string? source, SignatureCheck result, PublicKey? used) =>
        new(check, source, result.Valid, result.Code, result.Reason, result.Valid ? used?.KeyId : null, null);

    private static void Write(CliEnvironment env, VerifyReport report, OutputFormat format)
    {
        if (format == OutputFormat.Json)
        {
            CliJson.Write(env.Out, report);
        }
        else
        {
            var o = env.Out;
            o.Write($"{report.Kind}: {Terminal.Sanitize(report.Target)}\ndigest: {report.Digest}\n");
            foreach (var c in report.Checks)
            {
                var what = c.Source is null ? "" : " " + Terminal.Sanitize(Path.GetFileName(c.Source));
                o.Write(c.Valid
                    ? $"  ok    {c.Check}{what}{(c.KeyId is null ? "" : " (key " + c.KeyId + ")")}\n"
                    : $"  FAIL  {c.Check}{what}: [{c.Code}] {Terminal.Sanitize(c.Reason)}\n");
                if (c.Ticket is { } t)
                    o.Write($"        approved {t.ApprovedAt}: {Terminal.Sanitize(t.App)} {Terminal.Sanitize(t.Version)} {Terminal.Sanitize(t.ArtifactName)}, policy {Terminal.Sanitize(t.PolicyDigest)}, report {Terminal.Sanitize(t.ReportDigest)}\n");
            }
            o.Write(report.Verified ? "verified: every check holds\n" : "NOT verified\n");
        }
        if (report.Checks.FirstOrDefault(c => !c.Valid) is { } failed)
            Terminal.WriteError(env.Err, $"{failed.Check}: {failed.Reason}", failed.Code);
    }

    private static CliException Usage(string message) => new(ExitCodes.Usage, CliErrorCodes.InvalidArgument, message);

    /// <summary>The result of <c>verify</c> (the <c>--format json</c> output).</summary>
    internal sealed record VerifyReport(string Target, string Kind, string Digest, bool Verified, IReadOnlyList<CheckResult> Checks);

    /// <summary>One check: <c>bundle</c>, <c>ticket</c>, <c>prov</c>, <c>cosign</c> or <c>signature</c> (none found).</summary>
    internal sealed record CheckResult(string Check, string? Source, bool Valid, string? Code, string? Reason, string? KeyId, TicketView? Ticket);

    /// <summary>What a valid ticket says.</summary>
    internal sealed record TicketView(string ArtifactName, string App, string Version, string ApprovedAt, string PolicyDigest, string ReportDigest)
    {
        public static TicketView From(ApprovalTicket t) => new(t.ArtifactName, t.App, t.Version,
            t.ApprovedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), t.PolicyDigest, t.ReportDigest);
    }
}
