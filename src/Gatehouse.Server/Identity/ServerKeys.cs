using System.Security.Cryptography;

namespace Gatehouse.Server.Identity;

/// <summary>
/// The server's HMAC key for tokens. From <c>Gatehouse:Secrets:TokenKey</c> (base64, at least 32 bytes;
/// required when several machines share a database) or else generated once into
/// <c>{DataDirectory}/keys/token-hmac.key</c> with mode 0600.
/// </summary>
public sealed class ServerKeys
{
    public ServerKeys(IConfiguration configuration, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Gatehouse:Secrets:TokenKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            TokenKey = Convert.FromBase64String(configured);
            if (TokenKey.Length < 32)
                throw new InvalidOperationException("Gatehouse:Secrets:TokenKey must be at least 32 bytes (base64).");
            return;
        }
        TokenKey = LoadOrCreate(Path.Combine(dataDirectory, "keys", "token-hmac.key"));
    }

    /// <summary>Key for HMAC-SHA256 of personal access tokens.</summary>
    public byte[] TokenKey { get; }

    private static byte[] LoadOrCreate(string path)
    {
        var dir = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length >= 32) return existing;
            throw new InvalidOperationException($"Token key file {path} is shorter than 32 bytes; remove it to generate a new one (this invalidates all tokens).");
        }
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var fs = new FileStream(path, options);
            fs.Write(key);
            fs.Flush(flushToDisk: true);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            return File.ReadAllBytes(path);
        }
    }
}
