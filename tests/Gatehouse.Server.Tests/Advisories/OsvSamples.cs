using System.IO.Compression;
using System.Text.Json;

namespace Gatehouse.Server.Tests.Advisories;

/// <summary>OSV records and exports generated in code, in the shape osv.dev publishes (schema 1.6).</summary>
internal static class OsvSamples
{
    /// <summary>One npm advisory for <paramref name="package"/>: affected from 0, fixed in <paramref name="fixedIn"/>.</summary>
    public static string Record(string id, string package, DateTimeOffset modified, string fixedIn = "2.0.0", string? cve = null, string ecosystem = "npm") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["schema_version"] = "1.6.0",
            ["id"] = id,
            ["modified"] = modified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["published"] = modified.AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["aliases"] = cve is null ? Array.Empty<string>() : new[] { cve },
            ["summary"] = $"Prototype pollution in {package}",
            ["affected"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["package"] = new Dictionary<string, string> { ["ecosystem"] = ecosystem, ["name"] = package, ["purl"] = $"pkg:npm/{package}" },
                    ["ranges"] = new[]
                    {
                        new Dictionary<string, object>
                        {
                            ["type"] = "SEMVER",
                            ["events"] = new[] { new Dictionary<string, string> { ["introduced"] = "0" }, new Dictionary<string, string> { ["fixed"] = fixedIn } },
                        },
                    },
                },
            },
        });

    /// <summary>A zip of records named <c>{id}.json</c>, as OSV's per-ecosystem <c>all.zip</c>.</summary>
    public static byte[] Zip(params (string Id, string Json)[] records)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (id, json) in records)
            {
                using var w = new StreamWriter(zip.CreateEntry(id + ".json").Open());
                w.Write(json);
            }
        return buffer.ToArray();
    }
}
