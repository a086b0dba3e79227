namespace Gatehouse.Analysis.Images;

/// <summary>
/// A registry image reference, parsed as the distribution reference grammar says:
/// <c>[registry[:port]/]path[:tag][@sha256:hex]</c>. A first segment with a dot or colon, or <c>localhost</c>, is a registry;
/// otherwise there is no registry (the caller must name one: Gatehouse has no default registry). <c>127.0.0.1:5000/a/b:1</c>
/// has registry <c>127.0.0.1:5000</c> and tag <c>1</c>, never tag <c>5000/a/b:1</c>.
/// </summary>
public sealed partial record ImageReference(string? Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>Parses <paramref name="text"/> (an optional <c>docker://</c> prefix is accepted); false with a reason when malformed.</summary>
    public static bool TryParse(string? text, out ImageReference? reference, out string? error) => TryParseCore(text, out reference, out error);

    /// <summary>The canonical form: <c>registry/repo:tag@digest</c> (parts that are null left out).</summary>
    public override string ToString() =>
        (Registry is null ? "" : Registry + "/") + Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    private static partial bool TryParseCore(string? text, out ImageReference? reference, out string? error);
}
