using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Registry;

/// <summary>
/// The process's registry token key (<see cref="RegistryTokenKey"/>), loaded or made on first use, and the tokens it signs:
/// customers' pull tokens (<see cref="RegistryTokenService"/>) and Gatehouse's own push token, minted in process
/// (<see cref="PushToken"/>): no HTTP route ever grants push.
/// </summary>
internal sealed class RegistrySigner : IDisposable
{
    private readonly Lazy<RegistryTokenKey> _key;
    private readonly IOptions<RegistryOptions> _options;
    private readonly TimeProvider _time;

    public RegistrySigner(IOptions<RegistryOptions> options, TimeProvider time, string dataDirectory)
    {
        _options = options;
        _time = time;
        _key = new Lazy<RegistryTokenKey>(() =>
        {
            var key = RegistryTokenKey.LoadOrCreate(Path.Combine(dataDirectory, "keys", "registry"), time);
            if (options.Value.CertificatePath is { Length: > 0 } path) key.WriteCertificateTo(path);
            return key;
        });
    }

    /// <summary>The key and its certificate (made on first use; the certificate is then written to <c>Registry:CertificatePath</c>).</summary>
    public RegistryTokenKey Key => _key.Value;

    /// <summary>The subject of Gatehouse's own tokens.</summary>
    public const string GatehouseSubject = "gatehouse";

    /// <summary>A signed token for <paramref name="subject"/> granting <paramref name="access"/>; returns the token and its claims.</summary>
    public (string Token, RegistryTokens.Claims Claims) Issue(string subject, IEnumerable<RegistryAccess> access)
    {
        var claims = RegistryTokens.ClaimsFor(_options.Value, subject, access, _time.GetUtcNow());
        return (RegistryTokens.Sign(claims, Key), claims);
    }

    /// <summary>Gatehouse's own token to push to and delete from <paramref name="repository"/> (never handed out).</summary>
    public string PushToken(string repository) =>
        Issue(GatehouseSubject, [new RegistryAccess("repository", repository, ["pull", "push", "delete"])]).Token;

    public void Dispose()
    {
        if (_key.IsValueCreated) _key.Value.Dispose();
    }
}
