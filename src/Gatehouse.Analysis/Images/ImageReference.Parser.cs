using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Images;

// The distribution reference grammar (distribution/reference, regexp.go), with one restriction: digests are sha256 with 64
// lowercase hex digits, the only algorithm Gatehouse verifies.
//   reference  := name [ ":" tag ] [ "@" digest ]
//   name       := [ domain "/" ] path-component [ "/" path-component ]*      (at most 255 characters)
//   domain     := host [ ":" port ]   host := domain-name | IPv4 | "[" IPv6 "]"
//   path-component := [a-z0-9]+ ( ( [_.] | "__" | "-"+ ) [a-z0-9]+ )*
//   tag        := [\w][\w.-]{0,127}
// The first segment is a registry only when it has a dot or a colon, is "localhost", or has upper case (as docker decides).
public sealed partial record ImageReference
{
    private const int MaxNameLength = 255;

    [GeneratedRegex(@"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainRegex();

    [GeneratedRegex(@"^\[[a-fA-F0-9:]+\](?::[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6DomainRegex();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathComponentRegex();

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestRegex();

    private static partial bool TryParseCore(string? text, out ImageReference? reference, out string? error)
    {
        reference = null;
        error = Parse(text?.Trim(), out reference);
        return error is null;
    }

    private static string? Parse(string? text, out ImageReference? reference)
    {
        reference = null;
        if (string.IsNullOrEmpty(text)) return "the reference is empty";
        if (text.StartsWith("docker://", StringComparison.OrdinalIgnoreCase)) text = text["docker://".Length..];
        if (text.Length == 0) return "the reference is empty";
        if (text.Any(char.IsWhiteSpace)) return "the reference contains white space";

        string? digest = null;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            digest = text[(at + 1)..];
            text = text[..at];
            if (!DigestRegex().IsMatch(digest)) return "the digest must be sha256: followed by 64 lowercase hex digits";
        }

        string? tag = null;
        var colon = text.LastIndexOf(':');
        if (colon > text.LastIndexOf('/'))
        {
            tag = text[(colon + 1)..];
            text = text[..colon];
            if (!TagRegex().IsMatch(tag)) return $"'{tag}' is not a valid tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')";
        }

        if (text.Length == 0) return "the reference has no repository";
        if (text.Length > MaxNameLength) return $"the repository name is longer than {MaxNameLength} characters";

        string? registry = null;
        var slash = text.IndexOf('/');
        if (slash > 0)
        {
            var first = text[..slash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost" || first != first.ToLowerInvariant())
            {
                if (!DomainRegex().IsMatch(first) && !Ipv6DomainRegex().IsMatch(first)) return $"'{first}' is not a valid registry host[:port]";
                registry = first;
                text = text[(slash + 1)..];
            }
        }

        foreach (var component in text.Split('/'))
        {
            if (component.Length == 0) return "the repository has an empty path component";
            if (!PathComponentRegex().IsMatch(component))
                return component.Any(char.IsUpper)
                    ? $"repository path component '{component}' must be lowercase"
                    : $"'{component}' is not a valid repository path component (lowercase letters and digits, separated by '.', '_', '__' or '-')";
        }
        reference = new ImageReference(registry, text, tag, digest);
        return null;
    }
}
