namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>Wire names of <see cref="VexJustification"/> and <see cref="VexStatus"/> (snake_case, as the formats write them).</summary>
public static class VexJustifications
{
    /// <summary>The justification as its format writes it, e.g. <c>vulnerable_code_not_in_execute_path</c>.</summary>
    public static string ToText(VexJustification justification) => throw new NotImplementedException();

    /// <summary>The status as OpenVEX writes it, e.g. <c>not_affected</c>.</summary>
    public static string ToText(VexStatus status) => throw new NotImplementedException();
}
