namespace Gatehouse.Analysis.Images;

// Stub until the reader lands (issue 17, helper issue17-input replaces this file).
public sealed partial class ImageArchive
{
    private static partial ImageArchive OpenCore(string path, ImagePolicy policy) => throw new ImageException("image.unreadable", "image reading is not implemented yet");
    private static partial bool IsImageCore(string path) => false;
    private partial Stream OpenBlobCore(string digest) => throw new ImageException("image.unreadable", "image reading is not implemented yet");
    private partial void DisposeCore() { }
}
