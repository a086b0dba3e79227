using System.CommandLine;
using System.Security.Cryptography;
using Gatehouse.Analysis.Signing;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse sign FILE --key KEY.pem [--output BUNDLE] [--password-env NAME] [--force]</c>: signs a file offline with an
/// ECDSA P-256 private key and writes a Sigstore bundle v0.3 (message signature over the file's SHA-256, the key id as the
/// public-key hint), by default <c>FILE.sigstore.json</c>. Vendors sign before they submit. No server is contacted.
/// Exit 0 written, 2 usage (no such file, not a P-256 key, an encrypted key without its password, the output exists),
/// 3 the bundle could not be written.
/// </summary>
internal static class SignCommand
{
    /// <summary>The suffix of the default bundle name.</summary>
    public const string BundleSuffix = ".sigstore.json";

    public static Command Create(CliEnvironment env)
    {
        var file = new Argument<string>("file") { Description = "The file to sign." };
        var key = new Option<string>("--key", "-k")
        {
            Description = "The ECDSA P-256 private key: PEM, PKCS#8 (PRIVATE KEY), SEC1 (EC PRIVATE KEY) or encrypted PKCS#8 (ENCRYPTED PRIVATE KEY, with --password-env).",
            HelpName = "file",
            Required = true,
        };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the bundle (default: FILE.sigstore.json).", HelpName = "path" };
        var passwordEnv = new Option<string?>("--password-env")
        {
            Description = "Name of the environment variable holding the password of an encrypted key (never on the command line).",
            HelpName = "name",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite the bundle if it exists." };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("sign", "Sign a file with an ECDSA P-256 key: writes a Sigstore bundle (FILE.sigstore.json) that gatehouse verify, cosign and @sigstore/verify check.")
        {
            file, key, output, passwordEnv, force, format,
        };
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, pr.GetRequiredValue(file), pr.GetRequiredValue(key), pr.GetValue(output),
            pr.GetValue(passwordEnv), pr.GetValue(force), pr.GetValue(format), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string fileArg, string keyArg, string? outputArg, string? passwordEnv, bool force,
        OutputFormat format, CancellationToken ct)
    {
        var file = Path.GetFullPath(fileArg, env.WorkingDirectory);
        if (!File.Exists(file)) throw Usage($"{fileArg}: no such file");
        var output = Path.GetFullPath(outputArg ?? fileArg + BundleSuffix, env.WorkingDirectory);
        if (Directory.Exists(output)) throw Usage($"{outputArg}: is a directory; name the bundle file");
        if (File.Exists(output) && !force)
            throw new CliException(ExitCodes.Usage, CliErrorCodes.OutputExists, $"{output} exists; pass --force to overwrite it");

        using var signer = LoadKey(env, keyArg, passwordEnv);
        byte[] sha256;
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
            sha256 = await SHA256.HashDataAsync(stream, ct);
        var bundle = SigstoreBundle.CreateForDigest(signer, sha256);

        // Written beside the target and renamed, so a failed write never leaves half a bundle under the final name.
        var temp = output + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await File.WriteAllBytesAsync(temp, bundle, ct);
            File.Move(temp, output, overwrite: force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.OutputUnwritable, $"{output}: {e.Message}");
        }

        var digest = "sha256:" + Convert.ToHexStringLower(sha256);
        if (format == OutputFormat.Json)
            CliJson.Write(env.Out, new SignReport(file, digest, signer.KeyId, output));
        else
            env.Out.Write($"signed {Terminal.Sanitize(Path.GetFileName(file))} ({digest}) with key {signer.KeyId}\nbundle: {Terminal.Sanitize(output)}\n");
        return ExitCodes.Ok;
    }

    /// <summary>Reads the private key: unencrypted PEM directly, encrypted PKCS#8 with the password from the named variable.</summary>
    internal static EcdsaP256Signer LoadKey(CliEnvironment env, string keyArg, string? passwordEnv)
    {
        var path = Path.GetFullPath(keyArg, env.WorkingDirectory);
        if (!File.Exists(path)) throw Usage($"--key {keyArg}: no such file");
        if (new FileInfo(path).Length > EcdsaP256Signer.MaxPemChars) throw Usage($"--key {keyArg}: too large for a P-256 private key PEM");
        var pem = File.ReadAllText(path);
        if (pem.Contains("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", StringComparison.Ordinal))
            throw Usage($"--key {keyArg}: a cosign key (ENCRYPTED SIGSTORE PRIVATE KEY) is not read; sign with an ECDSA P-256 PEM key (openssl genpkey, docs/cli.md#gatehouse-sign)");
        if (pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            if (passwordEnv is null) throw Usage($"--key {keyArg} is encrypted: name the variable holding its password with --password-env");
            var password = env.GetVariable(passwordEnv) ?? throw Usage($"--password-env {passwordEnv}: the variable is not set");
            using var ec = ECDsa.Create();
            try
            {
                ec.ImportFromEncryptedPem(pem, password);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new CliException(ExitCodes.Usage, "signing.bad-pem", $"--key {keyArg}: cannot decrypt it with the password in {passwordEnv} (or it is no EC key)");
            }
            pem = ec.ExportPkcs8PrivateKeyPem();
        }
        else if (passwordEnv is not null)
        {
            throw Usage($"--password-env: --key {keyArg} is not encrypted");
        }
        try
        {
            return EcdsaP256Signer.FromPem(pem);
        }
        catch (SigningFormatException e)
        {
            throw new CliException(ExitCodes.Usage, e.Code, $"--key {keyArg}: {e.Message} (only ECDSA P-256 private keys are supported)");
        }
    }

    private static CliException Usage(string message) => new(ExitCodes.Usage, CliErrorCodes.InvalidArgument, message);

    /// <summary>The <c>--format json</c> output.</summary>
    internal sealed record SignReport(string File, string Sha256, string KeyId, string Bundle);
}
