using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Registry;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>What <c>gatehouse check</c> scans: the file, the artifact name the report carries, and the app type.</summary>
internal sealed record CheckInput(FileInfo File, string Name, string Type);

/// <summary>The registry options of <c>gatehouse check</c>.</summary>
internal sealed record RegistryOptions(string? User, bool PasswordFromStdin, bool Insecure);

/// <summary>
/// Turns the PATH of <c>gatehouse check</c> into a file to scan. A file is scanned as it is (an image tar of either format
/// implies <c>--type container</c>); an OCI image layout folder is packed into a deterministic tar (sorted, mtime 0, owner
/// 0:0) so the report's SHA-256 is stable; a PATH that does not exist and parses as a reference with a registry is pulled.
/// Packed and pulled images go to the scratch folder the caller passes (the check's private 0700 folder).
/// </summary>
internal static class ImageInput
{
    public const string PasswordVariable = "GATEHOUSE_REGISTRY_PASSWORD";

    public static async Task<CheckInput> ResolveAsync(CliEnvironment env, string text, string? explicitType, Policy policy,
        RegistryOptions registry, string scratch, CancellationToken ct)
    {
        var full = Path.GetFullPath(text, env.WorkingDirectory);
        if (Directory.Exists(full))
        {
            if (!ImageArchive.IsImage(full))
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{full}: a folder is accepted only as an OCI image layout (it has no oci-layout file)");
            var name = new DirectoryInfo(full).Name;
            var tar = Path.Combine(scratch, "layout.tar");
            try
            {
                ImageArchive.PackLayout(full, tar, policy.Images);
            }
            catch (ImageException e)
            {
                throw new CliException(ExitCodes.Incomplete, e.Code, $"{full}: {e.Message}");
            }
            return new CheckInput(new FileInfo(tar), name, explicitType ?? "container");
        }
        if (File.Exists(full))
        {
            var isImage = ImageArchive.IsImage(full);
            if (explicitType == "container" && !isImage)
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument,
                    $"--type container: {Path.GetFileName(full)} is not a container image (an OCI image layout folder or tar, or a docker-archive)");
            return new CheckInput(new FileInfo(full), Path.GetFileName(full), explicitType ?? (isImage ? "container" : "downloadable"));
        }
        if (ImageReference.TryParse(text, out var reference, out _) && reference!.Registry is not null)
        {
            var file = await PullAsync(env, reference, policy, registry, scratch, ct);
            return new CheckInput(file, reference.ToString(), explicitType ?? "container");
        }
        if (registry.User is not null || registry.Insecure)
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{text}: no such file, and no image reference with a registry (registry/name[:tag][@sha256:…])");
        throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{full}: no such file");
    }

    private static async Task<FileInfo> PullAsync(CliEnvironment env, ImageReference reference, Policy policy, RegistryOptions options, string scratch, CancellationToken ct)
    {
        RegistryCredentials? credentials = null;
        if (options.User is not null)
        {
            var password = options.PasswordFromStdin ? (await env.In.ReadLineAsync(ct))?.TrimEnd('\r') : env.GetVariable(PasswordVariable);
            if (string.IsNullOrEmpty(password))
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument,
                    $"--registry-user needs a password: set {PasswordVariable} or pass --registry-password-stdin");
            credentials = new RegistryCredentials(options.User, password);
        }
        else if (options.PasswordFromStdin)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, "--registry-password-stdin needs --registry-user");
        }
        // Registries hand blobs to object storage by redirect: this client follows them (.NET drops Authorization on the way).
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            UseCookies = false,
        })
        { Timeout = TimeSpan.FromMinutes(30) };
        var client = new RegistryClient(http)
        {
            InsecureRegistries = options.Insecure ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) { reference.Registry! } : new HashSet<string>(),
            Progress = line => env.Err.Write($"pull: {Terminal.Sanitize(line)}\n"),
        };
        var destination = Path.Combine(scratch, "pulled.tar");
        env.Err.Write($"pull: {Terminal.Sanitize(reference.ToString())}\n");
        try
        {
            var image = await client.PullAsync(reference, credentials, destination, policy.Images, ct);
            env.Err.Write($"pull: {Terminal.Sanitize(image.ManifestDigest)} {image.Platform}, {image.Layers.Count} layers, {image.TotalLayerBytes} bytes\n");
        }
        catch (ImageException e)
        {
            // A pull that fails is an error of the run, not a verdict: exit 3 with the registry's (or the image's) stable code.
            throw new CliException(ExitCodes.Incomplete, e.Code, $"pull {reference}: {e.Message}");
        }
        return new FileInfo(destination);
    }
}
