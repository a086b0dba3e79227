using System.Text;

namespace Gatehouse.Cli.Output;

/// <summary>Writing text for people: error lines and neutralising what the server sent.</summary>
internal static class Terminal
{
    /// <summary>Writes <c>gatehouse: error: [code] message</c> to <paramref name="err"/>.</summary>
    public static void WriteError(TextWriter err, string message, string? code = null)
    {
        var line = code is null ? message : $"[{code}] {message}";
        err.Write("gatehouse: error: " + Sanitize(line) + "\n");
    }

    /// <summary>Writes <c>gatehouse: warning: message</c> to <paramref name="err"/>.</summary>
    public static void WriteWarning(TextWriter err, string message) =>
        err.Write("gatehouse: warning: " + Sanitize(message) + "\n");

    /// <summary>
    /// Replaces control characters (ANSI escapes, carriage returns, newlines) with <c>?</c>, so text from
    /// a server or an audit entry cannot rewrite the terminal or forge extra output lines.
    /// </summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(char.IsControl(c) ? '?' : c);
        return sb.ToString();
    }
}
