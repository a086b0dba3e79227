using Gatehouse.Analysis.Images.Registry;
using Gatehouse.Analysis.Images;
using Gatehouse.Server.Images;

namespace Gatehouse.Server.Tests.Images;

/// <summary>
/// The server's image rules without a host (issue 17): the smoke-test declaration's bounds, which pull failures are the
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

    [Fact]
    public void Pull_failures_the_vendor_must_fix_are_told_apart_from_ours()
    {
        Assert.Equal("registry.unauthorized", ImagePulls.VendorFault(new ImageException("registry.unauthorized", "401"))!.Code);
        Assert.Equal("registry.not-found", ImagePulls.VendorFault(new ImageException("registry.not-found", "404"))!.Code);
        Assert.Equal("image.limit", ImagePulls.VendorFault(new ImageException("image.limit", "too many layers"))!.Code);
        // The reader's codes arrive wrapped too.
        Assert.Equal("image.digest-mismatch", ImagePulls.VendorFault(
            new InvalidOperationException("pull", new ImageException("image.digest-mismatch", "bytes differ")))!.Code);
        Assert.Null(ImagePulls.VendorFault(new ImageException("registry.unreachable", "connection refused")));
        Assert.Null(ImagePulls.VendorFault(new HttpRequestException("reset")));
        Assert.Equal("app-1.0.tar", ImagePulls.FileName(new ImageReference("r.example", "team/app", "1.0", null)));
    }

    [Fact]
    public void Registry_credentials_name_a_registry_host_and_nothing_else()
    {
        Assert.Null(VendorRegistryCredentials.RegistryProblem("registry.example.com:5000"));
        Assert.NotNull(VendorRegistryCredentials.RegistryProblem("https://registry.example.com"));
        Assert.NotNull(VendorRegistryCredentials.RegistryProblem("registry.example.com/path"));
        Assert.NotNull(VendorRegistryCredentials.RegistryProblem("registry.example.com:70000"));
    }

    [Fact]
    public void A_registry_on_a_private_address_is_the_vendors_to_fix_and_an_unreachable_one_is_ours()
    {
        // The guarded client refuses the address (tested against a real listener in the engine's RegistryAuthTests).
        var refused = ImagePulls.VendorFault(new ImageException(RegistryClient.AddressRefusedCode, "refused to connect to 10.1.2.3"));
        Assert.Equal(RegistryClient.AddressRefusedCode, refused?.Code);
        Assert.Null(ImagePulls.VendorFault(new ImageException("registry.unreachable", "connection refused")));
    }
}
