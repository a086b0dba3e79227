namespace Gatehouse.Analysis.Images;

/// <summary>
/// An image that cannot be read as one (malformed layout, a blob whose bytes do not match its digest, a limit hit, no
/// manifest for the policy's platforms, a registry that refused). <see cref="Code"/> is stable: it is the rule ID the
/// scan reports (<c>image.unreadable</c>, <c>image.digest-mismatch</c>, <c>image.limit</c>, <c>image.platform-missing</c>,
/// <c>image.unsupported-layer</c>) or, for pulls, the CLI/server error code (<c>registry.*</c>).
/// </summary>
public sealed class ImageException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
