using System.CommandLine;
using Gatehouse.Analysis.Images;
using System.Text.Json;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// Container images in <c>gatehouse submit</c> (issue 17): <c>--artifact</c> takes an image archive (docker-archive or OCI
/// layout tar) or an OCI layout folder (packed into a tar first); <c>--image REF [--registry-credential ID]</c> submits by
/// registry reference, pulled once by the server at the scan; <c>--smoke-command</c> or <c>--smoke-http PORT[/path]</c>
/// declares the smoke test.
/// </summary>
internal static partial class SubmitCommand
{
    /// <summary>The image options of <c>submit</c>.</summary>
    private sealed record ImageOptions(Option<string?> Image, Option<Guid?> Credential, Option<string?> SmokeCommand, Option<string?> SmokeHttp);

    private static ImageOptions CreateImageOptions()
    {
        var image = new Option<string?>("--image")
        {
            Description = "A container image by registry reference (registry/repository:tag or @sha256:…) instead of --artifact: "
                + "the server pulls it once, at the scan, and the version is that image (pinned by manifest digest).",
            HelpName = "reference",
        };
        var credential = new Option<Guid?>("--registry-credential")
        {
            Description = "With --image: the ID of your organisation's registry credential for that registry (POST /api/orgs/{orgId}/registry-credentials).",
            HelpName = "id",
        };
        var smokeCommand = new Option<string?>("--smoke-command")
        {
            Description = "Container images: the health command run inside the started container, which must exit 0 "
                + "(split on spaces; the program is an absolute path, e.g. \"/bin/wget -qO- http://127.0.0.1:8080/health\").",
            HelpName = "command",
        };
        var smokeHttp = new Option<string?>("--smoke-http")
        {
            Description = "Container images: the HTTP check instead, PORT or PORT/path on the container's loopback, which must answer 2xx or 3xx (e.g. 8080/health).",
            HelpName = "port[/path]",
        };
        smokeHttp.Validators.Add(result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (CheckSmoke.ParseHttp(text) is null) result.AddError($"--smoke-http: '{text}' is not PORT or PORT/path (port 1-65535)");
        });
        return new ImageOptions(image, credential, smokeCommand, smokeHttp);
    }

    private static void ValidateImageOptions(System.CommandLine.Parsing.CommandResult result, ImageOptions o, Option<FileInfo?> artifact, Option<string?> reference)
    {
        if (result.GetValue(o.Image) is not null && (result.GetValue(artifact) is not null || result.GetValue(reference) is not null))
            result.AddError("--image cannot be used with --artifact or --reference: submit an image either by reference or as an archive");
        if (result.GetValue(o.Credential) is not null && result.GetValue(o.Image) is null)
            result.AddError("--registry-credential is only used with --image");
        if (result.GetValue(o.SmokeCommand) is not null && result.GetValue(o.SmokeHttp) is not null)
            result.AddError("--smoke-command and --smoke-http cannot be used together: declare one check");
    }

    /// <summary>The smoke-test declaration's body, or null when none was given.</summary>
    internal static object? SmokeBody(string? command, string? http)
    {
        if (command is not null)
            return new { command = CheckSmoke.SplitCommand(command) };
        if (http is not null && CheckSmoke.ParseHttp(http) is { } h) return new { httpPort = h.Port, httpPath = h.Path };
        return null;
    }

    /// <summary>Sends the image reference and the smoke test (each when given), before the answers and the attestation.</summary>
    private static async Task SendImageAsync(GatehouseApi api, Request request, TextWriter table, Dictionary<string, object?> result, CancellationToken ct)
    {
        var path = VersionView.VersionPath(request.App, request.Version);
        if (request.Image is { } image)
        {
            var set = await api.SendJsonAsync<JsonElement>(HttpMethod.Put, path + "/image", new { reference = image, credentialId = request.RegistryCredential }, ct);
            result["image"] = set;
            var info = Wire.Read<VersionWire>(set, "PUT …/image");
            table.Write($"image: {S(info.Reference)}{(request.RegistryCredential is { } id ? $" (credential {id})" : "")}, pulled by the server at the scan\n");
        }
        if (SmokeBody(request.SmokeCommand, request.SmokeHttp) is { } smoke)
        {
            result["smokeTest"] = await api.SendJsonAsync<JsonElement>(HttpMethod.Put, path + "/smoke-test", smoke, ct);
            table.Write(request.SmokeCommand is not null ? $"smoke test: command {S(request.SmokeCommand)}\n" : $"smoke test: http {S(request.SmokeHttp)}\n");
        }
    }

    /// <summary>
    /// An OCI image layout folder (it has an <c>oci-layout</c> file) packed into a private temporary tar, the form the server
    /// takes, named after the folder; null for anything else. The caller deletes the file's folder. The same deterministic
    /// packing as <c>gatehouse check</c> (<see cref="ImageArchive.PackLayout"/>), so both report the same SHA-256.
    /// </summary>
    internal static Task<FileInfo?> PackLayoutAsync(DirectoryInfo folder, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(folder.FullName, "oci-layout"))) return Task.FromResult<FileInfo?>(null);
        var scratch = Path.Combine(Path.GetTempPath(), $"gatehouse-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(scratch);
        else Directory.CreateDirectory(scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var target = Path.Combine(scratch, (folder.Name.Length > 0 ? folder.Name : "image") + ".tar");
        try
        {
            ct.ThrowIfCancellationRequested();
            ImageArchive.PackLayout(folder.FullName, target, ImagePolicy.Default);
        }
        catch (ImageException e)
        {
            Directory.Delete(scratch, recursive: true);
            throw new CliException(ExitCodes.Usage, e.Code, $"--artifact {folder.FullName}: {e.Message}");
        }
        return Task.FromResult<FileInfo?>(new FileInfo(target));
    }
}
