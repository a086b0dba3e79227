using System.Xml;
using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// The package a <c>.nupkg</c> is, from the <c>.nuspec</c> at its root (<c>package/metadata/id</c> and <c>version</c>,
/// in any of the nuspec XML namespaces). The XML is read with DTDs prohibited and no resolver (no entity expansion, no
/// external fetch) and a size cap. Pure.
/// </summary>
public static class NuspecCataloger
{
    /// <summary>Largest nuspec read (real ones are a few KB).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Whether <paramref name="path"/> (a member path) is a nuspec at the root of a package.</summary>
    public static bool Handles(string path)
    {
        var bang = path.LastIndexOf("!/", StringComparison.Ordinal);
        var inner = bang >= 0 ? path[(bang + 2)..] : path;
        return !inner.Contains('/', StringComparison.Ordinal) && inner.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The package the nuspec describes, or null with the reason in <paramref name="problem"/>.</summary>
    public static CatalogedPackage? Parse(string xml, string declaredIn, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(xml);
        problem = null;
        if (xml.Length > MaxBytes)
        {
            problem = $"larger than {MaxBytes} bytes";
            return null;
        }
        string? id = null, version = null;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxBytes };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            var path = new List<string>();
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    if (!reader.IsEmptyElement) path.Add(reader.LocalName);
                    if (path.Count == 3 && path[0] == "package" && path[1] == "metadata")
                    {
                        if (path[2] == "id") id = reader.ReadElementContentAsString().Trim();
                        else if (path[2] == "version") version = reader.ReadElementContentAsString().Trim();
                        else continue;
                        path.RemoveAt(path.Count - 1);
                    }
                }
                else if (reader.NodeType == XmlNodeType.EndElement && path.Count > 0)
                {
                    path.RemoveAt(path.Count - 1);
                }
            }
        }
        catch (XmlException e)
        {
            problem = "not valid XML: " + e.Message;
            return null;
        }
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(version))
        {
            problem = "no package/metadata id and version";
            return null;
        }
        if (!PackageUrl.TryCreate("nuget", null, id, version, null, null, out var purl, out var invalid))
        {
            problem = invalid;
            return null;
        }
        return new CatalogedPackage("NuGet", id, version, purl, declaredIn);
    }
}
