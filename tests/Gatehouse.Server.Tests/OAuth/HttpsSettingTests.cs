using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.OAuth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Server.Tests.OAuth;

/// <summary>The development exception to HTTPS is refused by a production start.</summary>
public sealed class HttpsSettingTests
{
    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "gatehouse";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static StartupSettings Settings(bool allowHttp, string dir) =>
        new(new GatehouseOptions { AllowInsecureHttp = allowHttp }, new DatabaseOptions(), new JobsOptions(), dir);

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void AllowInsecureHttp_is_refused_outside_development(string environment)
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-https-").FullName;
        try
        {
            var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGatehouseOAuth(new Env(environment), Settings(true, dir)));
            Assert.Contains("AllowInsecureHttp", ex.Message, StringComparison.Ordinal);
            new ServiceCollection().AddGatehouseOAuth(new Env(environment), Settings(false, dir)); // without it, fine
            new ServiceCollection().AddGatehouseOAuth(new Env("Development"), Settings(true, dir));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void The_key_files_are_readable_by_the_owner_only()
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-keys-").FullName;
        try
        {
            new ServiceCollection().AddGatehouseOAuth(new Env("Production"), Settings(false, dir));
            var keys = Path.Combine(dir, "keys", "oauth");
            foreach (var f in new[] { "signing.pem", "encryption.pem" })
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, f)));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
