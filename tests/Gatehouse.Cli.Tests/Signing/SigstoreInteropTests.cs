using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Signing;

/// <summary>
/// Interop with the Sigstore reference library for JavaScript (tools/sigstore, installed by test.sh): a bundle made by
/// <c>@sigstore/sign</c> with a plain key is accepted by <c>gatehouse verify</c>, and <c>gatehouse sign</c>'s bundle by
/// <c>@sigstore/verify</c>; both refuse other bytes.
/// </summary>
public sealed class SigstoreInteropTests
{
    [Fact]
    public async Task Sigstore_sign_bundles_pass_gatehouse_verify_and_gatehouse_sign_bundles_pass_sigstore_verify()
    {
        var tools = SigstoreTools();
        using var cli = new CliHarness();
        var dir = cli.WorkingDirectory;
        SigningFiles.Write(dir, "app.zip", Encoding.UTF8.GetBytes("the app's bytes\n"));
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem").Exit);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem").Exit);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.pem").Exit);
        Assert.Equal(0, SigningFiles.Run(dir, "openssl", "pkey", "-in", "other.pem", "-pubout", "-out", "other.pub").Exit);

        // @sigstore/sign -> gatehouse verify.
        var (exit, bundle) = SigningFiles.Run(dir, "node", Path.Combine(tools, "sign.js"), "key.pem", "app.zip");
        Assert.True(exit == 0, bundle);
        Assert.Contains("\"messageSignature\"", bundle, StringComparison.Ordinal);
        SigningFiles.Write(dir, "theirs.sigstore.json", bundle);
        var ok = await cli.RunAsync("verify", "app.zip", "--key", "pub.pem", "--bundle", "theirs.sigstore.json");
        Assert.True(ok.ExitCode == 0, ok.Out + ok.Err);
        Assert.Contains("[bundle.signature-invalid]", (await cli.RunAsync("verify", "app.zip", "--key", "other.pub", "--bundle", "theirs.sigstore.json")).Err, StringComparison.Ordinal);

        // gatehouse sign -> @sigstore/verify.
        Assert.Equal(0, (await cli.RunAsync("sign", "app.zip", "--key", "key.pem")).ExitCode);
        SigningFiles.Write(dir, "changed.zip", Encoding.UTF8.GetBytes("other bytes\n"));
        var cases = JsonSerializer.Serialize(new[]
        {
            new { bundle = Path.Combine(dir, "app.zip.sigstore.json"), artifact = Path.Combine(dir, "app.zip"), key = Path.Combine(dir, "pub.pem") },
            new { bundle = Path.Combine(dir, "app.zip.sigstore.json"), artifact = Path.Combine(dir, "changed.zip"), key = Path.Combine(dir, "pub.pem") },
            new { bundle = Path.Combine(dir, "app.zip.sigstore.json"), artifact = Path.Combine(dir, "app.zip"), key = Path.Combine(dir, "other.pub") },
        });
        var lines = Node(tools, "verify.js", cases).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("OK", lines[0]);
        Assert.StartsWith("FAIL", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("FAIL", lines[2], StringComparison.Ordinal);

        // Other bytes under @sigstore/sign's bundle: refused by gatehouse verify too.
        SigningFiles.Write(dir, "app.zip", Encoding.UTF8.GetBytes("tampered\n"));
        Assert.Contains("[bundle.digest-mismatch]", (await cli.RunAsync("verify", "app.zip", "--key", "pub.pem", "--bundle", "theirs.sigstore.json")).Err, StringComparison.Ordinal);
    }

    private static string SigstoreTools()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tools = Path.Combine(dir.FullName, "tools", "sigstore");
            if (File.Exists(Path.Combine(tools, "sign.js")))
                return Directory.Exists(Path.Combine(tools, "node_modules", "@sigstore", "sign")) ? tools
                    : throw new InvalidOperationException($"@sigstore/sign is not installed: run `npm ci --prefix {tools}` (test.sh does)");
        }
        throw new InvalidOperationException("tools/sigstore not found above the test binaries");
    }

    private static string Node(string tools, string script, string stdin)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = tools };
        start.ArgumentList.Add(Path.Combine(tools, script));
        using var p = Process.Start(start)!;
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        return stdout.Result;
    }
}
