using System.Text.Json;
using Gatehouse.Cli;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Downloads;

/// <summary>
/// <c>gatehouse download</c> end to end: the real CLI asks the real server for a signed URL, fetches it without its
/// token, resumes with a conditional range the server really answers, verifies the digest, and is refused once the
/// version is no longer published.
/// </summary>
public sealed class CliDownloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-cli-download-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_tenant_admin_downloads_resumes_and_is_refused_after_quarantine()
    {
        // Every request recorded (no count window): this test follows the resumed request in the records.
        await using var w = await DownloadTests.StartAsync(settings: new Dictionary<string, string?> { ["Downloads:CountWindow"] = "00:00:00" });
        var token = w.TenantAdmin.DefaultRequestHeaders.Authorization!.Parameter!;
        var tenant = w.Tenant.ToString();

        // Into a directory: the file gets the server's name for it.
        var run = await CliRunner.RunAsync(w.App, token, "download", w.Slug, "--version", "1.0.0", "--tenant", tenant, "--output", _dir, "--format", "json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        var saved = Path.Combine(_dir, "tool \"x\".html");
        Assert.Equal(w.Content, await File.ReadAllBytesAsync(saved));
        using (var doc = JsonDocument.Parse(run.Out))
        {
            Assert.Equal(saved, doc.RootElement.GetProperty("path").GetString());
            Assert.Equal(w.Digest, doc.RootElement.GetProperty("digest").GetString());
            Assert.True(doc.RootElement.GetProperty("verified").GetBoolean());
        }

        // An interrupted download: the rest comes as a range that holds only while the file is the same.
        var target = Path.Combine(_dir, "tool.bin");
        await File.WriteAllBytesAsync(target + ".part", w.Content[..100_000]);
        var resumed = await CliRunner.RunAsync(w.App, token, "download", w.Slug, "--version", "1.0.0", "--tenant", tenant, "--output", target, "--resume");
        Assert.True(resumed.ExitCode == ExitCodes.Ok, resumed.Err);
        Assert.Contains("resumed from byte 100,000", resumed.Out, StringComparison.Ordinal);
        Assert.Equal(w.Content, await File.ReadAllBytesAsync(target));
        Assert.False(File.Exists(target + ".part"));
        var served = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<DownloadRecord>().AsNoTracking()
            .OrderBy(d => d.Id).Select(d => new { d.Status, d.Offset, d.TenantId }).ToListAsync());
        Assert.Equal([(200, 0L), (206, 100_000L)], served.Select(d => (d.Status, d.Offset)).ToArray());
        Assert.All(served, d => Assert.Equal(w.Tenant, d.TenantId));

        // An existing output is never overwritten without --force.
        var again = await CliRunner.RunAsync(w.App, token, "download", w.Slug, "--version", "1.0.0", "--tenant", tenant, "--output", target);
        Assert.Equal(ExitCodes.Usage, again.ExitCode);

        // Quarantined: the server says no, with the reason.
        await w.SetStateAsync(VersionStates.Quarantined);
        var refused = await CliRunner.RunAsync(w.App, token, "download", w.Slug, "--version", "1.0.0", "--tenant", tenant, "--output", Path.Combine(_dir, "q.bin"));
        Assert.Equal(ExitCodes.GateSaidNo, refused.ExitCode);
        Assert.Contains("[download.unavailable]", refused.Err, StringComparison.Ordinal);
        Assert.Contains("quarantined", refused.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "q.bin")));
    }
}
