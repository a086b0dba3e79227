namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>
/// Why a product is not affected: OpenVEX's five justifications and CycloneDX's nine <c>analysis.justification</c>
/// values, kept apart (each format's wording is what the vendor chose). <see cref="VexJustifications.ToText(VexJustification)"/> gives
/// the wire name.
/// </summary>
public enum VexJustification
{
    // OpenVEX v0.2.0.

    /// <summary>OpenVEX <c>component_not_present</c>.</summary>
    ComponentNotPresent,

    /// <summary>OpenVEX <c>vulnerable_code_not_present</c>.</summary>
    VulnerableCodeNotPresent,

    /// <summary>OpenVEX <c>vulnerable_code_not_in_execute_path</c>.</summary>
    VulnerableCodeNotInExecutePath,

    /// <summary>OpenVEX <c>vulnerable_code_cannot_be_controlled_by_adversary</c>.</summary>
    VulnerableCodeCannotBeControlledByAdversary,

    /// <summary>OpenVEX <c>inline_mitigations_already_exist</c>.</summary>
    InlineMitigationsAlreadyExist,

    // CycloneDX 1.4-1.6 analysis.justification.

    /// <summary>CycloneDX <c>code_not_present</c>.</summary>
    CodeNotPresent,

    /// <summary>CycloneDX <c>code_not_reachable</c>.</summary>
    CodeNotReachable,

    /// <summary>CycloneDX <c>requires_configuration</c>.</summary>
    RequiresConfiguration,

    /// <summary>CycloneDX <c>requires_dependency</c>.</summary>
    RequiresDependency,

    /// <summary>CycloneDX <c>requires_environment</c>.</summary>
    RequiresEnvironment,

    /// <summary>CycloneDX <c>protected_by_compiler</c>.</summary>
    ProtectedByCompiler,

    /// <summary>CycloneDX <c>protected_at_runtime</c>.</summary>
    ProtectedAtRuntime,

    /// <summary>CycloneDX <c>protected_at_perimeter</c>.</summary>
    ProtectedAtPerimeter,

    /// <summary>CycloneDX <c>protected_by_mitigating_control</c>.</summary>
    ProtectedByMitigatingControl,
}
