using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Reports;

/// <summary>The one JSON shape of reports (server and CLI): camelCase, enums as lower-case strings.</summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(ScanReport report) => JsonSerializer.Serialize(report, Options);

    public static ScanReport? Deserialize(string json) => JsonSerializer.Deserialize<ScanReport>(json, Options);
}
