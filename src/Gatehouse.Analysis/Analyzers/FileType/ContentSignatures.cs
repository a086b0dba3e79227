using System.Buffers.Binary;
using System.Text;

namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>
/// Strict, pure header checks on a file's first bytes. These, not libmagic's weaker guesses, decide
/// executables (scan-engines.md §4: random data gets "x-dosexec" from libmagic 1 % of the time).
/// </summary>
internal static class ContentSignatures
{
    /// <summary>MZ, and a valid <c>PE\0\0</c> at e_lfanew (offset 0x3C) inside the head.</summary>
    public static bool IsPe(ReadOnlySpan<byte> head)
    {
        if (head.Length < 0x40 || head[0] != (byte)'M' || head[1] != (byte)'Z') return false;
        var lfanew = BinaryPrimitives.ReadUInt32LittleEndian(head[0x3C..]);
        return lfanew >= 0x40 && lfanew <= (uint)head.Length - 4 && head.Slice((int)lfanew, 4).SequenceEqual("PE\0\0"u8);
    }

    public static bool IsMz(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == (byte)'M' && head[1] == (byte)'Z';

    /// <summary>The ELF type (e_type: 1 REL, 2 EXEC, 3 DYN, 4 CORE), or null when this is not ELF.</summary>
    public static int? ElfType(ReadOnlySpan<byte> head)
    {
        if (head.Length < 20 || !head.StartsWith("\u007fELF"u8)) return null;
        if (head[4] is not (1 or 2) || head[5] is not (1 or 2)) return null;   // EI_CLASS, EI_DATA
        return head[5] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(head[16..]) : BinaryPrimitives.ReadUInt16BigEndian(head[16..]);
    }

    /// <summary>Mach-O (32/64-bit, either byte order) or a universal ("fat") binary.</summary>
    public static bool IsMachO(ReadOnlySpan<byte> head)
    {
        if (head.Length < 8) return false;
        var magic = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (magic is 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE) return true;
        // 0xCAFEBABE is shared with Java class files: there bytes 4..7 are the class version
        // (major >= 45), in a fat binary the number of architectures (small).
        return magic == 0xCAFEBABE && BinaryPrimitives.ReadUInt32BigEndian(head[4..]) is > 0 and < 45;
    }

    public static bool IsCrx(ReadOnlySpan<byte> head) => head.StartsWith("Cr24"u8);

    public static bool IsZip(ReadOnlySpan<byte> head) => head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8);

    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 3 && head[0] == 0x1F && head[1] == 0x8B && head[2] == 8;

    public static bool IsPdf(ReadOnlySpan<byte> head) => head[..Math.Min(head.Length, 1024)].IndexOf("%PDF-"u8) >= 0;

    public static bool IsPng(ReadOnlySpan<byte> head) => head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

    public static bool IsJpeg(ReadOnlySpan<byte> head) => head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;

    public static bool IsGif(ReadOnlySpan<byte> head) => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8);

    /// <summary>A tar header block: the ustar magic at 257, or (old v7 tar) a correct header checksum.</summary>
    public static bool IsTarHeader(ReadOnlySpan<byte> block)
    {
        if (block.Length < 512) return false;
        if (block[257..262].SequenceEqual("ustar"u8)) return true;
        if (block[0] == 0) return false;
        var stored = ParseOctal(block.Slice(148, 8));
        if (stored is null) return false;
        long sum = 0;
        for (var i = 0; i < 512; i++) sum += i is >= 148 and < 156 ? (byte)' ' : block[i];
        return sum == stored;
    }

    /// <summary>A tar numeric field: octal digits (space/NUL padded) or GNU base-256.</summary>
    public static long? ParseOctal(ReadOnlySpan<byte> field)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            long v = field[0] & 0x7F;
            for (var i = 1; i < field.Length; i++)
            {
                if (v > long.MaxValue >> 8) return null;
                v = (v << 8) | field[i];
            }
            return v;
        }
        long value = 0;
        var seen = false;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0) { if (seen) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') return null;
            if (value > long.MaxValue >> 3) return null;
            value = (value << 3) + (b - '0');
            seen = true;
        }
        return seen ? value : null;
    }

    private static readonly string[] s_htmlRoots = ["html", "head", "body", "script", "iframe", "meta", "title"];

    /// <summary>An XML document whose root element is <c>svg</c> (any namespace prefix).</summary>
    public static bool IsSvg(string headText) => RootElement(headText) is { } root && LocalName(root) == "svg";

    /// <summary>A document that starts as HTML: an HTML doctype, or one of the usual first elements.</summary>
    public static bool IsHtml(string headText)
    {
        var root = RootElement(headText, out var htmlDoctype);
        return htmlDoctype || (root is not null && s_htmlRoots.Contains(root.ToLowerInvariant()));
    }

    /// <summary>The first element's name after the prolog (BOM, whitespace, XML declaration, processing instructions, comments, doctype).</summary>
    public static string? RootElement(string text) => RootElement(text, out _);

    private static string? RootElement(string text, out bool htmlDoctype)
    {
        htmlDoctype = false;
        var i = 0;
        if (text.StartsWith('\uFEFF')) i++;
        else if (text.StartsWith("\u00EF\u00BB\u00BF", StringComparison.Ordinal)) i += 3;   // UTF-8 BOM read as Latin-1
        for (var guard = 0; guard < 256; guard++)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length || text[i] != '<') return null;
            if (At(text, i, "<?")) i = After(text, i, "?>");
            else if (At(text, i, "<!--")) i = After(text, i + 4, "-->");
            else if (At(text, i, "<!DOCTYPE"))
            {
                var close = text.IndexOf('>', i);
                var bracket = text.IndexOf('[', i);
                if (bracket >= 0 && (close < 0 || bracket < close)) close = text.IndexOf('>', Math.Max(i, text.IndexOf(']', bracket)));
                if (close < 0) return null;
                htmlDoctype |= text.AsSpan(i + 9, close - i - 9).Trim().StartsWith("html", StringComparison.OrdinalIgnoreCase);
                i = close + 1;
            }
            else
            {
                var start = i + 1;
                var end = start;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or ':' or '-' or '.')) end++;
                return end > start ? text[start..end] : null;
            }
            if (i < 0) return null;
        }
        return null;
    }

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0
        || (token == "<!DOCTYPE" && text.Length - i >= token.Length && text.AsSpan(i, token.Length).Equals(token, StringComparison.OrdinalIgnoreCase));

    private static int After(string text, int from, string token)
    {
        var at = text.IndexOf(token, from, StringComparison.Ordinal);
        return at < 0 ? -1 : at + token.Length;
    }

    private static string LocalName(string qualified) => qualified[(qualified.LastIndexOf(':') + 1)..];

    /// <summary>The head as byte-preserving text (Latin-1): markup checks work on ASCII either way.</summary>
    public static string Text(ReadOnlySpan<byte> head) => Encoding.Latin1.GetString(head);
}
