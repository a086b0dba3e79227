using System.IO.Compression;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>Artifacts generated in code: a clean little app, and the same app with a leaked (generated) cloud key.</summary>
internal static class Samples
{
    public static byte[] CleanApp(string version = "1.0.0") => Zip(
        ("README.md", $"# Acme Sync {version}\nSynchronises calendars.\n"),
        ("lib/sync.js", "export function sync(a, b) { return a.concat(b).sort(); }\n"),
        ("package.json", $"{{\"name\":\"acme-sync\",\"version\":\"{version}\"}}\n"));

    /// <summary>A high-severity finding (secret.aws-access-key-id): the default policy rejects it.</summary>
    public static byte[] AppWithLeakedKey() => Zip(
        ("README.md", "# Acme Sync\n"),
        ("config/settings.ini", "[aws]\nregion = eu-west-1\naccess_key_id = AKIA" + "Q7Z4MBX2LK7PW3RT" + "\n"));

    private static byte[] Zip(params (string Name, string Text)[] files)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in files)
                using (var w = new StreamWriter(zip.CreateEntry(name).Open()))
                    w.Write(text);
        return ms.ToArray();
    }
}
