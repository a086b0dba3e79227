using System.Net;
using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Smoke;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Images;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Images;

/// <summary>
/// The server's image rules without a host (issue 17): the smoke-test declaration's bounds, how a smoke run folds into the
/// report (a failure is a finding, a run that could not happen is incomplete, never a pass), which pull failures are the
/// vendor's, and which addresses the registry client may reach.
/// </summary>
public sealed class ImageRulesTests
{
    [Fact]
    public void A_smoke_declaration_is_a_command_or_an_http_check_within_bounds()
    {
        Assert.Equal((null, null), SmokeDeclaration.Validate(new SetSmokeTestRequest()));
        var (command, problem) = SmokeDeclaration.Validate(new SetSmokeTestRequest(["/bin/wget", "-qO-", "http://127.0.0.1:8080/health"]));
        Assert.Null(problem);
        Assert.Equal(["/bin/wget", "-qO-", "http://127.0.0.1:8080/health"], command!.Command);
        var (http, _) = SmokeDeclaration.Validate(new SetSmokeTestRequest(HttpPort: 8080));
        Assert.Equal((8080, "/"), (http!.HttpPort, http.HttpPath));
        Assert.Equal(http, SmokeDeclaration.Parse(SmokeDeclaration.ToJson(http)));
        Assert.Equal(command.Command, SmokeDeclaration.Parse(SmokeDeclaration.ToJson(command))!.Command);

        string?[] refused =
        [
            SmokeDeclaration.Validate(new SetSmokeTestRequest(["/bin/true"], 8080)).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(HttpPort: 0)).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(HttpPort: 65536)).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(HttpPort: 80, HttpPath: "health")).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(HttpPort: 80, HttpPath: "//evil.example/")).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(HttpPort: 80, HttpPath: "/a b")).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(HttpPort: 80, HttpPath: "/" + new string('a', 1024))).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(HttpPath: "/x")).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(["wget"])).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(["/bin/sh", ""])).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(["/bin/sh", "a\0b"])).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest([.. Enumerable.Repeat("/bin/x", 33)])).Problem,
            SmokeDeclaration.Validate(new SetSmokeTestRequest(["/bin/x", new string('a', 1025)])).Problem,
        ];
        Assert.All(refused, Assert.NotNull);
    }

    private static ScanReport Clean() => new(ScanReport.CurrentSchemaVersion, "gatehouse", "test", new ArtifactInfo("app.tar", "00", 1, "container", null),
        Verdict.Pass, [], [], [new AnalyzerRun("archive", "1", "ok")], new ScanStats(1, 1, 0, 0, ScanStats.CountBySeverity([])));

    [Fact]
    public void A_smoke_run_folds_into_the_report_and_never_passes_an_image_it_could_not_run()
    {
        var passed = ImageSmokeFold.Apply(Clean(), new SmokeResult(SmokeResult.Passed, "http", null, "ok", "answered 200", 900), Policy.Default);
        Assert.Equal(Verdict.Pass, passed.Verdict);
        Assert.Equal(SmokeResult.Passed, passed.Smoke!.Status);

        var failed = ImageSmokeFold.Apply(Clean(), new SmokeResult(SmokeResult.Failed, "command", 2, "boom", "the command exited 2", 700), Policy.Default);
        Assert.Equal(Verdict.Reject, failed.Verdict);
        var finding = Assert.Single(failed.Findings);
        Assert.Equal(("image.smoke-test", "GH-CTR-5", "smoke:command"), (finding.RuleId, finding.RequirementId, finding.Path));
        Assert.Contains("exit code 2", finding.Message, StringComparison.Ordinal);
        Assert.Equal(1, failed.Stats.FindingsBySeverity["high"]);

        foreach (var status in new[] { SmokeResult.Incomplete, "something-new" })
        {
            var incomplete = ImageSmokeFold.Apply(Clean(), new SmokeResult(status, "default-command", null, "", "runc is not installed", 0), Policy.Default);
            Assert.Equal(Verdict.Incomplete, incomplete.Verdict);
            Assert.Contains(incomplete.Reasons, r => r.Contains("runc is not installed", StringComparison.Ordinal));
        }
        // An incomplete engine scan stays incomplete whatever the smoke test says.
        var engineDown = Clean() with { Verdict = Verdict.Incomplete, Reasons = ["analyzer malware.clamav unavailable"] };
        Assert.Equal(Verdict.Incomplete, ImageSmokeFold.Apply(engineDown, new SmokeResult(SmokeResult.Passed, "http", null, "", "", 1), Policy.Default).Verdict);
    }

    [Fact]
    public void Pull_failures_the_vendor_must_fix_are_told_apart_from_ours()
    {
        Assert.Equal("registry.unauthorized", ImagePulls.VendorFault(new ImageException("registry.unauthorized", "401"))!.Code);
        Assert.Equal("registry.not-found", ImagePulls.VendorFault(new ImageException("registry.not-found", "404"))!.Code);
        Assert.Equal("image.limit", ImagePulls.VendorFault(new ImageException("image.limit", "too many layers"))!.Code);
        // The address guard's refusal arrives wrapped by the HTTP stack.
        Assert.Equal(RegistryHttp.AddressRefused, ImagePulls.VendorFault(
            new HttpRequestException("connect", new ImageException(RegistryHttp.AddressRefused, "private")))!.Code);
        Assert.Null(ImagePulls.VendorFault(new ImageException("registry.unreachable", "connection refused")));
        Assert.Null(ImagePulls.VendorFault(new HttpRequestException("reset")));
        Assert.Equal("app-1.0.tar", ImagePulls.FileName(new ImageReference("r.example", "team/app", "1.0", null)));
    }

    [Fact]
    public void The_registry_client_reaches_public_addresses_and_only_the_listed_insecure_registries_beyond()
    {
        using var http = new RegistryHttp(Options.Create(new ImagesOptions { InsecureRegistries = ["127.0.0.1:5000"] }));
        Assert.True(http.Allows("registry.example.com", 443, IPAddress.Parse("93.184.216.34")));
        Assert.True(http.Allows("127.0.0.1", 5000, IPAddress.Loopback));
        Assert.False(http.Allows("127.0.0.1", 5001, IPAddress.Loopback));
        Assert.False(http.Allows("metadata.internal", 80, IPAddress.Parse("169.254.169.254")));
        Assert.False(http.Allows("registry.example.com", 443, IPAddress.Parse("10.0.0.5")));
        Assert.Null(VendorRegistryCredentials.RegistryProblem("registry.example.com:5000"));
        Assert.NotNull(VendorRegistryCredentials.RegistryProblem("https://registry.example.com"));
        Assert.NotNull(VendorRegistryCredentials.RegistryProblem("registry.example.com/path"));
        Assert.NotNull(VendorRegistryCredentials.RegistryProblem("registry.example.com:70000"));
    }
}
