using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Signing;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Cli.Tests.Signing;

/// <summary>The openssl + jq commands of docs/verifying.md, run as written against a bundle and a ticket the server's code makes.</summary>
public sealed partial class VerifyingDocTests
{
    [Fact]
    public void The_documented_openssl_commands_verify_the_bundle_and_the_ticket()
    {
        var script = DocumentedShell("## With `openssl` (files)");
        Assert.Contains("openssl dgst -sha256 -verify gatehouse.pub", script, StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("gh-verifying-doc-").FullName;
        try
        {
            using var signer = EcdsaP256Signer.Generate();
            var artifact = Encoding.UTF8.GetBytes("the approved app\n");
            var sha = Convert.ToHexStringLower(SHA256.HashData(artifact));
            var ticket = ApprovalTicket.Create(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 30, 0, TimeSpan.Zero)),
                "app.zip", sha, "acme-notes", "1.4.2", "sha256:" + new string('a', 64), "sha256:" + new string('b', 64));
            File.WriteAllBytes(Path.Combine(dir, "app.zip"), artifact);
            File.WriteAllText(Path.Combine(dir, "gatehouse.pub"), signer.PublicKey.ToPem());
            File.WriteAllBytes(Path.Combine(dir, "app.zip.sigstore.json"), SigstoreBundle.CreateForDigest(signer, SHA256.HashData(artifact)));
            File.WriteAllBytes(Path.Combine(dir, "app.zip.ticket.sigstore.json"), SigstoreBundle.WrapEnvelope(signer.KeyId, ticket.Sign(signer)));

            var (exit, output) = Bash(dir, script);
            Assert.True(exit == 0, output);
            Assert.Equal(2, Regex.Count(output, "Verified OK"));
            Assert.Contains(signer.KeyId, output, StringComparison.Ordinal);
            Assert.Equal(2, Regex.Count(output, sha)); // the statement's subject and sha256sum agree
            Assert.Contains("\"app\": \"acme-notes\"", output, StringComparison.Ordinal);

            // Other bytes: the first openssl check fails (and the script with it).
            File.WriteAllBytes(Path.Combine(dir, "app.zip"), Encoding.UTF8.GetBytes("something else\n"));
            var (tampered, text) = Bash(dir, script);
            Assert.NotEqual(0, tampered);
            Assert.Contains("Verification failure", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The fenced blocks of one section of docs/verifying.md, joined.</summary>
    private static string DocumentedShell(string heading)
    {
        var doc = File.ReadAllText(FindDoc("docs/verifying.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = doc.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, heading);
        var end = doc.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        var section = doc[start..(end < 0 ? doc.Length : end)];
        return string.Join('\n', Fence().Matches(section).Select(m => m.Groups[1].Value));
    }

    private static string FindDoc(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(relative);
    }

    private static (int Exit, string Output) Bash(string dir, string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.ArgumentList.Add("-euo");
        start.ArgumentList.Add("pipefail");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    [GeneratedRegex("```\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();
}
