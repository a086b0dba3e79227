using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Analyzers.Secrets;

/// <summary>
/// Where a match sits, from the rules file's <c>context</c> section (data, not code): documentation
/// (Markdown, TypeScript declarations, example/fixture folders, OpenAPI <c>example</c> fields),
/// comments, source maps and minified lines. Context lowers or removes <em>unverified</em> findings
/// only; a verified secret (checksum valid, parsed key, AWS key pair) keeps its severity anywhere.
/// </summary>
internal sealed class SecretContext
{
    public SecretContext(
        IEnumerable<string> documentationExtensions,
        IEnumerable<string> documentationNames,
        IEnumerable<string> documentationDirectories,
        Regex? exampleLine,
        Regex? commentLine,
        IEnumerable<string> sourceMapExtensions,
        IEnumerable<string> minifiedSuffixes,
        int longLine,
        IEnumerable<string> codeExtensions)
    {
        DocumentationExtensions = [.. documentationExtensions];
        DocumentationNames = [.. documentationNames];
        DocumentationDirectories = documentationDirectories.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        ExampleLine = exampleLine;
        CommentLine = commentLine;
        SourceMapExtensions = [.. sourceMapExtensions];
        MinifiedSuffixes = [.. minifiedSuffixes];
        LongLine = longLine;
        CodeExtensions = [.. codeExtensions];
    }

    /// <summary>No context rules: nothing is lowered (used by rule files without a context section).</summary>
    public static SecretContext None { get; } = new([], [], [], null, null, [], [], int.MaxValue, []);

    public string[] DocumentationExtensions { get; }

    /// <summary>File-name prefixes that are documentation whatever the extension (README, CHANGELOG, ...).</summary>
    public string[] DocumentationNames { get; }

    /// <summary>Folder names whose files are documentation or test data (docs, examples, fixtures, __mocks__, ...); also whole parts of a file name (split at '.', '-', '_').</summary>
    public FrozenSet<string> DocumentationDirectories { get; }

    /// <summary>A line that is an example value (OpenAPI/JSON <c>"example":</c>, <c>@example</c>).</summary>
    public Regex? ExampleLine { get; }

    /// <summary>Text before the match on its line that makes it a comment.</summary>
    public Regex? CommentLine { get; }

    public string[] SourceMapExtensions { get; }

    public string[] MinifiedSuffixes { get; }

    /// <summary>A line at least this long is minified (bundles put a whole module on one line).</summary>
    public int LongLine { get; }

    /// <summary>Source files where an unquoted value after <c>=</c> or <c>:</c> is an expression, not a literal.</summary>
    public string[] CodeExtensions { get; }

    /// <summary>The file-level context of a path (a nested path's last member counts).</summary>
    public FileContext ForFile(string path, string name)
    {
        var file = FileContext.None;
        if (EndsWithAny(name, SourceMapExtensions)) file |= FileContext.SourceMap;
        if (EndsWithAny(name, MinifiedSuffixes)) file |= FileContext.Minified;
        if (EndsWithAny(name, DocumentationExtensions) || DocumentationNames.Any(n => name.StartsWith(n, StringComparison.OrdinalIgnoreCase)))
        {
            file |= FileContext.Documentation;
        }

        // Folders in every layer: usr/share/man/man1/x.1.gz!/x.1 is a man page.
        foreach (var segment in path.Split('/', '\\', '!').SkipLast(1))
        {
            if (DocumentationDirectories.Contains(segment)) file |= FileContext.Documentation;
        }

        // The same words as parts of the file name: api.examples.json, .env.example, user.test.js, sample-config.yml.
        foreach (var part in name.Split('.', '-', '_'))
        {
            if (DocumentationDirectories.Contains(part)) file |= FileContext.Documentation;
        }

        if (EndsWithAny(name, CodeExtensions)) file |= FileContext.Code;
        return file;
    }

    private static bool EndsWithAny(string name, string[] suffixes)
    {
        foreach (var s in suffixes)
        {
            if (name.EndsWith(s, StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }
}

/// <summary>What a file is, for <see cref="SecretContext"/>.</summary>
[Flags]
internal enum FileContext
{
    None = 0,
    /// <summary>Markdown, reStructuredText, TypeScript declarations, README/CHANGELOG, docs/example/fixture folders.</summary>
    Documentation = 1,
    /// <summary>A source map: it repeats a bundled file that is scanned anyway.</summary>
    SourceMap = 2,
    /// <summary>A minified file by name.</summary>
    Minified = 4,
    /// <summary>Program source: unquoted values are expressions.</summary>
    Code = 8,
}
