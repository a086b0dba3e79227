namespace Gatehouse.Analysis.Images;

// Stub until the parser lands (issue 17, helper issue17-input replaces this file).
public sealed partial record ImageReference
{
    private static partial bool TryParseCore(string? text, out ImageReference? reference, out string? error)
    {
        reference = null;
        error = "image references are not implemented yet";
        return false;
    }
}
