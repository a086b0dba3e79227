using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse download APP --version V [--tenant ID] [--output PATH] [--force] [--resume]</c>: asks the server for a
/// signed download URL of a published version, fetches it without the token into <c>PATH.part</c> while computing its
/// SHA-256, checks the digest against the one the server announced (and the <c>ETag</c>), and only then renames it to
/// <c>PATH</c>. Exit 0 verified, 1 the server said no (not published, not entitled), 2 usage (the output exists), 3 could
/// not complete (an interrupted download keeps its <c>.part</c> for <c>--resume</c>), 4 the digest did not match.
/// </summary>
internal static partial class DownloadCommand
{
    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();

    public static Command Create(CliEnvironment env)
    {
        var app = new Argument<string>("app") { Description = "The app's slug." };
        var version = SubmitCommand.VersionOption("The version to download (it must be published).");
        version.Required = true;
        var tenant = new Option<Guid?>("--tenant")
        {
            Description = "Download for a tenant you administer (the tenant must have the app installed); default: for yourself (vendor or staff).",
            HelpName = "id",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Guid.TryParse(text, out var id)) return id;
                result.AddError($"--tenant: '{text}' is not a tenant id (a GUID)");
                return null;
            },
        };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to save the file (an existing directory: the server's file name inside it). Default: the server's file name in the current directory.",
            HelpName = "path",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file if it exists." };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted download from its PATH.part file (a Range request that holds only while the file is the same)." };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);

        var command = new Command("download", "Download a published version's file through a signed URL and verify its SHA-256 digest.")
        {
            app, version, tenant, output, force, resume, format,
        };
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, new Request(
            pr.GetRequiredValue(app), pr.GetValue(version)!, pr.GetValue(tenant), pr.GetValue(output), pr.GetValue(force), pr.GetValue(resume),
            pr.GetValue(format)), ct)));
        return command;
    }

    private sealed record Request(string App, string Version, Guid? Tenant, string? Output, bool Force, bool Resume, OutputFormat Format);

    /// <summary>What <c>POST /api/apps/{app}/versions/{v}/download-url</c> answers (docs/downloads.md).</summary>
    internal sealed record IssuedUrlWire(
        string Url, DateTimeOffset ExpiresAt, string Digest, long Size, string FileName, string? ContentType, string? KeyId, string? Via);

    private static async Task<int> RunAsync(CliEnvironment env, Request request, CancellationToken ct)
    {
        // Everything local that can be checked before the server is asked is checked first.
        string? directory = null;
        string? path = null;
        if (request.Output is { } given)
        {
            var full = Path.GetFullPath(given, env.WorkingDirectory);
            if (Directory.Exists(full)) directory = full;
            else
            {
                path = full;
                CheckOutput(path, request.Force);
            }
        }
        var config = ConfigStore.LoadRequired(env);

        IssuedUrlWire issued;
        using (var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert))
        {
            var issuePath = VersionView.VersionPath(request.App, request.Version) + "/download-url";
            try
            {
                issued = await api.SendJsonAsync<IssuedUrlWire>(HttpMethod.Post, issuePath, new { tenantId = request.Tenant }, ct);
            }
            catch (CliException ex) when (ex.HttpStatus is 403 or 410)
            {
                // Not entitled, or the version is not published (quarantined, suspended, delisted): the answer is no.
                throw ex.WithExitCode(ExitCodes.GateSaidNo);
            }
        }
        var (url, digest) = Validate(issued);

        if (path is null)
        {
            var name = DownloadTarget.SafeFileName(issued.FileName)
                ?? throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse,
                    $"the server's file name '{Terminal.Sanitize(issued.FileName)}' cannot be used as a file name; choose one with --output");
            path = DownloadTarget.Inside(directory ?? Path.GetFullPath(env.WorkingDirectory), name);
            CheckOutput(path, request.Force);
        }

        var fetched = await DownloadTransfer.RunAsync(env, config.CaCert, url, digest, issued.Size, path + ".part", request.Resume, Path.GetFileName(path), ct);
        try
        {
            File.Move(path + ".part", path, overwrite: request.Force);
        }
        catch (IOException) when (!request.Force && File.Exists(path))
        {
            throw Exists(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.InvalidArgument,
                $"the file was downloaded and verified to {path}.part, but cannot be renamed to {path}: {ex.Message}", null, ex);
        }

        if (request.Format == OutputFormat.Json)
        {
            CliJson.Write(env.Out, new { path, digest, size = fetched.Size, verified = true });
        }
        else
        {
            env.Out.Write(string.Create(CultureInfo.InvariantCulture,
                $"{Terminal.Sanitize(request.App)} {Terminal.Sanitize(request.Version)}: saved {Terminal.Sanitize(path)} ({fetched.Size:N0} bytes)\n"));
            env.Out.Write($"{digest} verified (matches the digest the server announced{(fetched.ETagChecked ? " and its ETag" : "")})\n");
            if (fetched.ResumedFrom > 0)
                env.Out.Write(string.Create(CultureInfo.InvariantCulture, $"resumed from byte {fetched.ResumedFrom:N0}\n"));
        }
        return ExitCodes.Ok;
    }

    private static (Uri Url, string Digest) Validate(IssuedUrlWire issued)
    {
        const string what = "POST …/download-url";
        if (!Uri.TryCreate(issued.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.UserInfo.Length > 0)
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"unexpected response to {what}: the URL is not an absolute http(s) URL");
        if (issued.Digest is null || !DigestPattern().IsMatch(issued.Digest))
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"unexpected response to {what}: the digest is not sha256:<64 hex>");
        if (issued.Size < 0)
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"unexpected response to {what}: a negative size");
        return (url, issued.Digest);
    }

    private static void CheckOutput(string path, bool force)
    {
        if (Directory.Exists(path))
            throw new CliException(ExitCodes.Usage, CliErrorCodes.OutputExists, $"{path} is a directory; choose a file name with --output");
        if (File.Exists(path) && !force) throw Exists(path);
        if (Directory.Exists(path + ".part"))
            throw new CliException(ExitCodes.Usage, CliErrorCodes.OutputExists, $"{path}.part is a directory; remove it or choose another --output");
    }

    private static CliException Exists(string path) =>
        new(ExitCodes.Usage, CliErrorCodes.OutputExists, $"{path} exists; use --force to overwrite it or --output to choose another path");
}
