namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>Wire names of <see cref="VexJustification"/> and <see cref="VexStatus"/> (snake_case, as the formats write them).</summary>
public static class VexJustifications
{
    // OpenVEX v0.2.0 §Status Justifications.
    internal static readonly IReadOnlyDictionary<string, VexJustification> OpenVex = new Dictionary<string, VexJustification>(StringComparer.Ordinal)
    {
        ["component_not_present"] = VexJustification.ComponentNotPresent,
        ["vulnerable_code_not_present"] = VexJustification.VulnerableCodeNotPresent,
        ["vulnerable_code_not_in_execute_path"] = VexJustification.VulnerableCodeNotInExecutePath,
        ["vulnerable_code_cannot_be_controlled_by_adversary"] = VexJustification.VulnerableCodeCannotBeControlledByAdversary,
        ["inline_mitigations_already_exist"] = VexJustification.InlineMitigationsAlreadyExist,
    };

    // CycloneDX 1.4-1.6 vulnerability.analysis.justification (impactAnalysisJustification).
    internal static readonly IReadOnlyDictionary<string, VexJustification> CycloneDx = new Dictionary<string, VexJustification>(StringComparer.Ordinal)
    {
        ["code_not_present"] = VexJustification.CodeNotPresent,
        ["code_not_reachable"] = VexJustification.CodeNotReachable,
        ["requires_configuration"] = VexJustification.RequiresConfiguration,
        ["requires_dependency"] = VexJustification.RequiresDependency,
        ["requires_environment"] = VexJustification.RequiresEnvironment,
        ["protected_by_compiler"] = VexJustification.ProtectedByCompiler,
        ["protected_at_runtime"] = VexJustification.ProtectedAtRuntime,
        ["protected_at_perimeter"] = VexJustification.ProtectedAtPerimeter,
        ["protected_by_mitigating_control"] = VexJustification.ProtectedByMitigatingControl,
    };

    internal static readonly IReadOnlyDictionary<string, VexStatus> Statuses = new Dictionary<string, VexStatus>(StringComparer.Ordinal)
    {
        ["not_affected"] = VexStatus.NotAffected,
        ["affected"] = VexStatus.Affected,
        ["fixed"] = VexStatus.Fixed,
        ["under_investigation"] = VexStatus.UnderInvestigation,
    };

    /// <summary>The justification as its format writes it, e.g. <c>vulnerable_code_not_in_execute_path</c>.</summary>
    public static string ToText(VexJustification justification) =>
        OpenVex.Concat(CycloneDx).First(p => p.Value == justification).Key;

    /// <summary>The status as OpenVEX writes it, e.g. <c>not_affected</c>.</summary>
    public static string ToText(VexStatus status) => Statuses.First(p => p.Value == status).Key;
}
