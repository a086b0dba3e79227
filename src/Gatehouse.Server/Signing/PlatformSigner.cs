using Gatehouse.Analysis.Signing;

namespace Gatehouse.Server.Signing;

/// <summary>The platform key that signs now: its signer and its stored row (id, creation time for the OpenPGP key).</summary>
internal sealed record PlatformSigner(ISigner Signer, string KeyId, DateTimeOffset CreatedAt);
