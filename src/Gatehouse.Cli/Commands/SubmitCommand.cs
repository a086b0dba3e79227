using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse submit APP --version V [--artifact PATH | --image REF] [--reference URL] --answers FILE --attest "NAME, ROLE"</c>:
/// creates the version (or continues a draft or one with changes requested), uploads the artifact with progress,
/// sends the questionnaire answers, attests and submits. A guard that does not hold exits 1 with each guard listed;
/// with <c>--wait</c> it then follows the scan and exits like <c>check</c>.
/// </summary>
internal static partial class SubmitCommand
{
    public const int DefaultTimeoutSeconds = 600;

    /// <summary>How often <c>--wait</c> asks for the version's state.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);

    private const string LifecycleGuardFailed = "lifecycle.guard-failed";
    private const string LifecycleInvalidTransition = "lifecycle.invalid-transition";
    private const string VendorSignatureInvalid = "signing.vendor-signature-invalid";

    // The server's rule for version names (AppRegistry.VersionPattern), checked here so a typo is a usage error.
    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")]
    private static partial Regex VersionPattern();

    /// <summary><c>--version V</c>, shared with <c>status</c>.</summary>
    internal static Option<string?> VersionOption(string description)
    {
        var option = new Option<string?>("--version") { Description = description, HelpName = "version" };
        option.Validators.Add(result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (!VersionPattern().IsMatch(text))
                result.AddError($"--version: '{text}' is not a version: 1-64 letters, digits, '.', '+', '_' or '-', starting with a letter or digit (e.g. 1.4.2)");
        });
        return option;
    }

    public static Command Create(CliEnvironment env)
    {
        var app = new Argument<string>("app") { Description = "The app's slug (registered on the server beforehand)." };
        var version = VersionOption("The version to submit (e.g. 1.4.2). Created when it does not exist; an existing draft or a version with changes requested is continued.");
        version.Required = true;
        var artifact = new Option<FileInfo?>("--artifact")
        {
            Description = "The file to upload as the version's artifact (archive, binary, image archive or OCI layout folder, chart .tgz or chart folder). Optional for web integrations, --reference and --image.",
            HelpName = "path",
        };
        var reference = new Option<string?>("--reference")
        {
            Description = "An https URL the version is submitted by (a web integration's base URL, an image reference); only when the version is created.",
            HelpName = "url",
        };
        reference.Validators.Add(result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (!Uri.TryCreate(text, UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttps || u.UserInfo.Length > 0)
                result.AddError($"--reference: '{text}' is not an absolute https:// URL without user info");
        });
        var sbom = new Option<FileInfo?>("--sbom")
        {
            Description = "Your own CycloneDX SBOM (JSON) of the artifact, uploaded with it: the scan reports packages it finds that the SBOM leaves out.",
            HelpName = "file",
        };
        var signature = new Option<FileInfo?>("--signature")
        {
            Description = "Your Sigstore bundle over the artifact (gatehouse sign FILE --key KEY.pem), checked against your organisation's registered keys. "
                + "Default: ARTIFACT.sigstore.json when it is next to the artifact.",
            HelpName = "bundle",
        };
        var answers = new Option<FileInfo>("--answers")
        {
            Description = "The security questionnaire's answers: a JSON object or YAML mapping of question ID to answer (Q-DL-1: yes).",
            HelpName = "file",
            Required = true,
        };
        var attest = new Option<string>("--attest")
        {
            Description = "Full name and role of the person who attests that this version meets the security requirements "
                + "(\"Jane Doe, CTO\"). Required: a named person must attest; the statement is recorded with the name and shown.",
            HelpName = "name, role",
            Required = true,
        };
        attest.Validators.Add(result =>
        {
            var text = (result.Tokens.Count == 1 ? result.Tokens[0].Value : "").Trim();
            if (text.Length == 0 || text.Length > 200 || text.Any(char.IsControl))
                result.AddError("--attest: give the full name and role of the person who attests (1-200 characters, e.g. \"Jane Doe, CTO\")");
        });
        var wait = new Option<bool>("--wait") { Description = "After submitting, wait until the scan has finished and exit like 'check' (0 pass/review, 1 reject, 3 incomplete)." };
        var timeout = new Option<int>("--timeout")
        {
            Description = "With --wait: seconds to wait before giving up with exit 3.",
            HelpName = "seconds",
            DefaultValueFactory = _ => DefaultTimeoutSeconds,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 86_400) return n;
                result.AddError($"--timeout: '{text}' is not a number of seconds between 1 and 86400");
                return DefaultTimeoutSeconds;
            },
        };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var images = CreateImageOptions();

        var command = new Command("submit", "Submit an app version: create it, upload the artifact, answer the questionnaire, attest and submit.")
        {
            app, version, artifact, reference, sbom, signature, answers, attest, format, wait, timeout,
            images.Image, images.Credential, images.SmokeCommand, images.SmokeHttp,
        };
        command.Validators.Add(result =>
        {
            ValidateImageOptions(result, images, artifact, reference);
            if (result.GetResult(timeout) is { Implicit: false } && !result.GetValue(wait)) result.AddError("--timeout is only used with --wait");
        });
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, new Request(
            pr.GetRequiredValue(app), pr.GetValue(version)!, pr.GetValue(artifact), pr.GetValue(reference), pr.GetRequiredValue(answers),
            pr.GetRequiredValue(attest).Trim(), pr.GetValue(format), pr.GetValue(wait), TimeSpan.FromSeconds(pr.GetValue(timeout)))
        {
            Sbom = pr.GetValue(sbom),
            Signature = pr.GetValue(signature),
            Image = pr.GetValue(images.Image),
            RegistryCredential = pr.GetValue(images.Credential),
            SmokeCommand = pr.GetValue(images.SmokeCommand),
            SmokeHttp = pr.GetValue(images.SmokeHttp),
        }, ct)));
        return command;
    }

    private sealed record Request(string App, string Version, FileInfo? Artifact, string? Reference, FileInfo Answers, string Attest,
        OutputFormat Format, bool Wait, TimeSpan Timeout)
    {
        /// <summary>The vendor's own SBOM (<c>--sbom</c>), uploaded after the artifact.</summary>
        public FileInfo? Sbom { get; init; }

        /// <summary>The vendor's Sigstore bundle (<c>--signature</c>, or <c>ARTIFACT.sigstore.json</c> next to the artifact), uploaded after it.</summary>
        public FileInfo? Signature { get; init; }

        /// <summary>A container image by registry reference (<c>--image</c>), pulled by the server.</summary>
        public string? Image { get; init; }

        /// <summary>The registry credential for <see cref="Image"/> (<c>--registry-credential</c>).</summary>
        public Guid? RegistryCredential { get; init; }

        /// <summary>The smoke test's health command (<c>--smoke-command</c>).</summary>
        public string? SmokeCommand { get; init; }

        /// <summary>The smoke test's HTTP check (<c>--smoke-http PORT[/path]</c>).</summary>
        public string? SmokeHttp { get; init; }
    }

    private static async Task<int> RunAsync(CliEnvironment env, Request request, CancellationToken ct)
    {
        // Everything local is checked before the server is touched: a typo should not leave a half-made version.
        // The bundle `gatehouse sign` writes next to a file is taken along unless --signature names another.
        if (request.Signature is null && request.Artifact is { Exists: true } signed && new FileInfo(signed.FullName + ".sigstore.json") is { Exists: true } found)
            request = request with { Signature = found };
        FileInfo? packed = null;
        if (request.Artifact is { Exists: false } missing)
        {
            // An OCI image layout folder is packed into a tar, a chart folder into a .tgz: the forms the server takes.
            if (Directory.Exists(missing.FullName)
                && (await PackLayoutAsync(new DirectoryInfo(missing.FullName), ct) ?? await PackChartAsync(new DirectoryInfo(missing.FullName), ct)) is { } tar)
            {
                packed = tar;
                request = request with { Artifact = tar };
            }
            else throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument,
                Directory.Exists(missing.FullName) ? $"--artifact {missing.FullName}: a folder is uploaded only when it is an OCI image layout (it has an oci-layout file) or a Helm chart (it has a Chart.yaml)" : $"--artifact {missing.FullName}: no such file");
        }
        try
        {
            return await RunCheckedAsync(env, request, ct);
        }
        finally
        {
            if (packed?.Directory is { } temp) temp.Delete(recursive: true);
        }
    }

    private static async Task<int> RunCheckedAsync(CliEnvironment env, Request request, CancellationToken ct)
    {
        if (request.Sbom is { Exists: false } noSbom)
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--sbom {noSbom.FullName}: no such file");
        var bundle = ReadSignature(request.Signature);
        var answers = ReadAnswers(request.Answers);
        var config = ConfigStore.LoadRequired(env);
        using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
        var table = request.Format == OutputFormat.Table ? env.Out : TextWriter.Null;
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);

        var appDoc = await api.GetJsonAsync<JsonElement>(VersionView.AppPath(request.App), ct);
        var appInfo = Wire.Read<AppWire>(appDoc, "GET /" + VersionView.AppPath(request.App));
        result["app"] = appDoc;
        table.Write($"app {S(appInfo.Slug)}: {S(appInfo.Name)} ({S(appInfo.Type)}, tier {S(appInfo.Tier)})\n");

        var (versionDoc, created) = await CreateOrContinueAsync(env, api, request, ct);
        var versionInfo = Wire.Read<VersionWire>(versionDoc, "POST /" + VersionView.VersionsPath(request.App));
        result["created"] = created;
        result["version"] = versionDoc;
        table.Write(created
            ? $"version {S(request.Version)}: created ({S(versionInfo.State)})\n"
            : $"version {S(request.Version)}: exists ({S(versionInfo.State)}), continuing\n");

        if (request.Artifact is { } file)
        {
            var uploaded = await UploadAsync(env, api, request, file, "artifact", ct);
            var info = Wire.Read<VersionWire>(uploaded, "PUT /" + VersionView.VersionPath(request.App, request.Version) + "/artifact");
            result["artifact"] = uploaded;
            table.Write(string.Create(CultureInfo.InvariantCulture,
                $"artifact: uploaded {S(info.ArtifactName)}, {info.ArtifactSize:N0} bytes, {S(info.ArtifactDigest)}\n"));
        }

        if (request.Sbom is { } sbomFile)
        {
            var uploaded = await UploadAsync(env, api, request, sbomFile, "sbom", ct);
            var info = Wire.Read<SbomWire>(uploaded, "PUT /" + VersionView.VersionPath(request.App, request.Version) + "/sbom");
            result["sbom"] = uploaded;
            table.Write(string.Create(CultureInfo.InvariantCulture,
                $"sbom: uploaded {S(sbomFile.Name)}, CycloneDX {S(info.SpecVersion)}, {info.Packages:N0} packages, {S(info.Digest)}\n"));
        }

        if (bundle is not null)
        {
            JsonElement checkedDoc;
            try
            {
                checkedDoc = await api.SendAsync<JsonElement>(HttpMethod.Put, VersionView.VersionPath(request.App, request.Version) + "/signature",
                    () => new ByteArrayContent(bundle) { Headers = { ContentType = new("application/vnd.dev.sigstore.bundle.v0.3+json") } }, ct);
            }
            catch (CliException ex) when (ex.Code == VendorSignatureInvalid)
            {
                // The gate checked the signature and said no (the reason is in the message): not a pipeline failure.
                throw ex.WithExitCode(ExitCodes.GateSaidNo);
            }
            result["signature"] = checkedDoc;
            var sig = Wire.Read<SignatureWire>(checkedDoc, "PUT …/signature");
            table.Write($"signature: {S(request.Signature!.Name)} {S(sig.Status)}, key {S(sig.KeyName)} ({S(sig.KeyId)})\n");
        }

        await SendImageAsync(api, request, table, result, ct);

        var scored = await api.SendJsonAsync<JsonElement>(HttpMethod.Put, VersionView.VersionPath(request.App, request.Version) + "/answers", answers, ct);
        result["questionnaire"] = scored;
        VersionView.WriteQuestionnaire(table, Wire.Read<QuestionnaireWire>(scored, "PUT …/answers"), "");

        var attestation = await api.SendJsonAsync<JsonElement>(HttpMethod.Post, VersionView.VersionPath(request.App, request.Version) + "/attestation",
            new { name = request.Attest, accept = true }, ct);
        result["attestation"] = attestation;
        var attested = Wire.Read<AttestationWire>(attestation, "POST …/attestation");
        table.Write($"attestation by {S(attested.Name)} (sha256 {S(attested.Sha256)}):\n  {S(attested.Statement)}\n");

        JsonElement submitted;
        try
        {
            submitted = await api.SendJsonAsync<JsonElement>(HttpMethod.Post, VersionView.VersionPath(request.App, request.Version) + "/actions",
                new { action = "submit", reasonCodes = Array.Empty<string>(), text = (string?)null }, ct);
        }
        catch (CliException ex) when (ex.HttpStatus == 409 && ex.Code == LifecycleGuardFailed)
        {
            // The gate said no, and why: every guard at once, so all of them can be fixed before the next try.
            var guards = ex.Problem?.Guards ?? [];
            result["guards"] = guards;
            if (request.Format == OutputFormat.Json) CliJson.Write(env.Out, result);
            table.Write(string.Create(CultureInfo.InvariantCulture, $"not submitted: {guards.Count} guard(s) did not hold:\n"));
            VersionView.WriteGuards(table, guards);
            Terminal.WriteError(env.Err, $"version {request.Version} was not submitted: {string.Join(", ", guards.Select(g => g.Code))}", LifecycleGuardFailed);
            return ExitCodes.GateSaidNo;
        }
        catch (CliException ex) when (ex.HttpStatus == 409 && ex.Code == LifecycleInvalidTransition)
        {
            throw ex.WithExitCode(ExitCodes.GateSaidNo);
        }
        result["submitted"] = submitted;
        var after = Wire.Read<VersionWire>(submitted, "POST …/actions");
        table.Write($"submitted: {S(request.App)} {S(request.Version)} is {S(after.State)}\n");

        if (!request.Wait)
        {
            if (request.Format == OutputFormat.Json) CliJson.Write(env.Out, result);
            return ExitCodes.Ok;
        }

        var (detail, history, outcome) = await WaitAsync(env, api, request, ct);
        result["status"] = StatusCommand.WithHistory(detail, history);
        if (request.Format == OutputFormat.Json)
        {
            CliJson.Write(env.Out, result);
        }
        else
        {
            table.Write("\n");
            StatusCommand.Write(env, OutputFormat.Table, request.App, detail, history);
        }
        if (outcome is null)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.WaitTimeout,
                $"gave up waiting after {request.Timeout.TotalSeconds:0} s: the version is still being scanned; see 'gatehouse status {request.App} --version {request.Version}'");
        }
        if (outcome.Value.Code != ExitCodes.Ok) Terminal.WriteError(env.Err, outcome.Value.Summary);
        return outcome.Value.Code;
    }

    private static IReadOnlyDictionary<string, string> ReadAnswers(FileInfo file)
    {
        if (!file.Exists) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--answers {file.FullName}: no such file");
        try
        {
            return QuestionnaireAnswers.ParseFile(file.FullName);
        }
        catch (Exception ex) when (ex is AnswersFormatException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--answers {file.Name}: {ex.Message}", null, ex);
        }
    }

    /// <summary>Creates the version; when it exists, continues it if it can still be changed (draft, changes requested).</summary>
    private static async Task<(JsonElement Version, bool Created)> CreateOrContinueAsync(CliEnvironment env, GatehouseApi api, Request request, CancellationToken ct)
    {
        try
        {
            var created = await api.SendJsonAsync<JsonElement>(HttpMethod.Post, VersionView.VersionsPath(request.App),
                new { version = request.Version, reference = request.Reference }, ct);
            return (created, true);
        }
        catch (CliException ex) when (ex.HttpStatus == 409)
        {
            // Exists already: a re-run of a CI job, or a resubmission after changes were requested.
        }
        var detailDoc = await api.GetJsonAsync<JsonElement>(VersionView.VersionPath(request.App, request.Version), ct);
        var detail = Wire.Read<VersionDetailWire>(detailDoc, "GET /" + VersionView.VersionPath(request.App, request.Version));
        var existing = detail.Version ?? new VersionWire();
        if (existing.State is not ("draft" or "changes-requested"))
        {
            throw new CliException(ExitCodes.GateSaidNo, LifecycleInvalidTransition,
                $"version {request.Version} exists and is {existing.State}: only a draft or a version with changes requested can be submitted; submit a new version");
        }
        if (request.Reference is not null && !string.Equals(request.Reference, existing.Reference, StringComparison.Ordinal))
            Terminal.WriteWarning(env.Err, $"--reference is ignored: version {request.Version} exists with reference {existing.Reference ?? "(none)"}");
        var versionDoc = detailDoc.TryGetProperty("version", out var v) ? v : detailDoc;
        return (versionDoc, false);
    }

    /// <summary>The signature's answer, as far as the summary line needs it.</summary>
    private sealed record SignatureWire(string? Status, string? KeyId, string? KeyName);

    /// <summary>The bundle's bytes (at most 1 MiB, the server's limit); null without one.</summary>
    private static byte[]? ReadSignature(FileInfo? file)
    {
        if (file is null) return null;
        if (!file.Exists) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--signature {file.FullName}: no such file");
        if (file.Length > 1024 * 1024)
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--signature {file.Name}: larger than 1 MiB; give the Sigstore bundle (gatehouse sign)");
        try
        {
            return File.ReadAllBytes(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--signature {file.Name}: {ex.Message}", null, ex);
        }
    }

    /// <summary>The vendor SBOM's answer, as far as the summary line needs it.</summary>
    private sealed record SbomWire(string? Digest, string? SpecVersion, int Packages);

    /// <summary>Streams <paramref name="file"/> to the version's <paramref name="part"/> (<c>artifact</c> or <c>sbom</c>) with progress.</summary>
    private static async Task<JsonElement> UploadAsync(CliEnvironment env, GatehouseApi api, Request request, FileInfo file, string part, CancellationToken ct)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(file.FullName, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, Options = FileOptions.Asynchronous | FileOptions.SequentialScan });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--{part} {file.FullName}: {ex.Message}", null, ex);
        }
        await using (stream)
        {
            var progress = new UploadProgress(env, file.Name, stream.Length);
            try
            {
                var path = VersionView.VersionPath(request.App, request.Version) + "/" + part + "?name=" + Uri.EscapeDataString(file.Name);
                var type = part == "sbom" ? "application/vnd.cyclonedx+json" : "application/octet-stream";
                return await api.UploadAsync<JsonElement>(path, stream, stream.Length, type, progress.Report, ct);
            }
            finally
            {
                progress.Done();
            }
        }
    }

    /// <summary>Polls the version until it leaves submitted/scanning or <see cref="Request.Timeout"/> runs out (outcome null).</summary>
    private static async Task<(JsonElement Detail, JsonElement History, (int Code, string Summary)? Outcome)> WaitAsync(
        CliEnvironment env, GatehouseApi api, Request request, CancellationToken ct)
    {
        var time = env.TimeProvider;
        var started = time.GetTimestamp();
        var status = new StatusLine(env);
        try
        {
            while (true)
            {
                var (detail, history) = await StatusCommand.FetchAsync(api, request.App, request.Version, ct);
                var typed = Wire.Read<VersionDetailWire>(detail, "GET /" + VersionView.VersionPath(request.App, request.Version));
                var outcome = VersionView.Outcome(typed);
                var elapsed = time.GetElapsedTime(started);
                if (outcome is not null || elapsed >= request.Timeout) return (detail, history, outcome);
                status.Show(string.Create(CultureInfo.InvariantCulture,
                    $"waiting for the scan: {Terminal.Sanitize(typed.Version?.State)}, {elapsed.TotalSeconds:0} s"));
                var remaining = request.Timeout - elapsed;
                await Task.Delay(remaining < PollInterval ? remaining : PollInterval, time, ct);
            }
        }
        finally
        {
            status.Clear();
        }
    }

    private static string S(string? text) => Terminal.Sanitize(text ?? "-");

    /// <summary>One rewritten status line on stderr, only when stderr is a terminal (CI logs stay clean).</summary>
    private sealed class StatusLine(CliEnvironment env)
    {
        private int _length;

        public void Show(string text)
        {
            if (!env.ErrorIsTerminal) return;
            env.Err.Write("\r" + text.PadRight(_length));
            _length = text.Length;
        }

        public void Clear()
        {
            if (_length > 0) env.Err.Write("\r" + new string(' ', _length) + "\r");
            _length = 0;
        }
    }

    /// <summary>Upload progress: <c>uploading app.zip: 12.0 / 40.0 MiB (30%)</c>, redrawn when the percentage changes.</summary>
    private sealed class UploadProgress(CliEnvironment env, string name, long total)
    {
        private readonly StatusLine _line = new(env);
        private int _lastPercent = -1;

        public void Report(long sent)
        {
            var percent = total <= 0 ? 100 : (int)(sent * 100 / total);
            if (percent == _lastPercent) return;
            _lastPercent = percent;
            _line.Show(string.Create(CultureInfo.InvariantCulture,
                $"uploading {Terminal.Sanitize(name)}: {Size(sent)} / {Size(total)} ({percent}%)"));
        }

        public void Done() => _line.Clear();

        private static string Size(long bytes) => bytes switch
        {
            < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
            < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
            < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
        };
    }
}
