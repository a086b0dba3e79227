using System.Globalization;
using System.Text.Json;
using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Smoke;
using Gatehouse.Analysis.Reports;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Images;

/// <summary>
/// What the console's vendor and reviewer pages show of a container version (issue 17, <c>_ContainerImage.cshtml</c>): the
/// reference and pinned manifest digest, the platform and layers from the scan report's image summary, and the smoke test.
/// Read from the stored report (the exact report of the scan), so the pages show what was reviewed.
/// </summary>
public sealed record ImageView(string? Reference, string? ManifestDigest, string? CredentialNote, ImageSummary? Image, SmokeResult? Smoke,
    string? SmokeDeclared, bool ScanDone)
{
    /// <summary>The view of <paramref name="v"/> (a container version) with its current scan, or null for other app types.</summary>
    public static ImageView? Of(App app, AppVersion v, Scan? scan)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        if (app.Type != AppTypes.Container) return null;
        ImageSummary? image = null;
        SmokeResult? smoke = null;
        if (scan?.ReportJson is { Length: > 0 } json)
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                if (doc.RootElement.TryGetProperty("image", out var i) && i.ValueKind == JsonValueKind.Object)
                    image = i.Deserialize<ImageSummary>(ReportJson.Options);
                if (doc.RootElement.TryGetProperty("smoke", out var s) && s.ValueKind == JsonValueKind.Object)
                    smoke = s.Deserialize<SmokeResult>(ReportJson.Options);
            }
            catch (JsonException)
            {
                // A report this server cannot read back shows as no image facts; the findings are still listed.
            }
        }
        return new ImageView(v.Reference, v.ImageManifestDigest ?? image?.ManifestDigest,
            v.RegistryCredentialId is { } c ? $"registry credential {c}" : null, image, smoke, Declared(SmokeDeclaration.Parse(v.SmokeSpecJson)),
            scan?.Verdict is not null);
    }

    /// <summary>The declared smoke test in words.</summary>
    public static string Declared(SmokeSpec? spec) => spec switch
    {
        null => "not declared: the image's HEALTHCHECK, else its default command must keep running",
        { Command: { } command } => "command: " + string.Join(' ', command),
        { HttpPort: { } port } => string.Create(CultureInfo.InvariantCulture, $"HTTP GET http://127.0.0.1:{port}{spec.HttpPath ?? "/"} must answer 2xx or 3xx"),
        _ => "the image's default",
    };

    /// <summary>A byte count for people.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
    };
}
