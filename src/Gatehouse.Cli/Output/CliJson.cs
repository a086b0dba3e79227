using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gatehouse.Cli.Output;

/// <summary>JSON settings: one for what the CLI prints, one for what it reads from the server.</summary>
internal static class CliJson
{
    /// <summary>Output: camelCase, indented, no needless escaping of <c>+</c> or non-ASCII (not embedded in HTML).</summary>
    public static readonly JsonSerializerOptions Output = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Input: camelCase, case-insensitive, and <c>null</c> is refused where the model says non-nullable.</summary>
    public static readonly JsonSerializerOptions Input = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
    };

    /// <summary>Writes <paramref name="value"/> as one indented JSON document and a newline.</summary>
    public static void Write<T>(TextWriter writer, T value)
    {
        writer.Write(JsonSerializer.Serialize(value, Output));
        writer.Write('\n');
    }
}
