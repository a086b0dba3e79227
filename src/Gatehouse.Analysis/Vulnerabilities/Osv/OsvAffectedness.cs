namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>
/// The answer to "is this version affected?". <see cref="Unknown"/> means the advisory could not be evaluated for the
/// version (a version or event the ecosystem's scheme cannot parse, a malformed range, a <c>GIT</c>-only range): the caller
/// decides what to do, but must not read it as "not affected".
/// </summary>
public enum OsvAffectedness
{
    /// <summary>The version is outside every range and not listed.</summary>
    NotAffected,

    /// <summary>The version is listed or inside a range.</summary>
    Affected,

    /// <summary>Could not be decided; see the type's remarks.</summary>
    Unknown,
}
