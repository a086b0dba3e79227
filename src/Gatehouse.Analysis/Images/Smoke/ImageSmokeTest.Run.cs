namespace Gatehouse.Analysis.Images.Smoke;

// Stub until the runner lands (issue 17, helper issue17-smoke replaces this file).
public sealed partial class ImageSmokeTest
{
    private partial bool IsAvailableCore(out string reason)
    {
        reason = "smoke tests are not implemented yet";
        return false;
    }

    private partial Task<SmokeResult> RunCoreAsync(string imagePath, SmokeSpec spec, SmokeLimits limits, CancellationToken ct) =>
        Task.FromResult(new SmokeResult(SmokeResult.Incomplete, "default-command", null, "", "smoke tests are not implemented yet", 0));
}
