namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>What the described artifact is, as a CycloneDX component type (<c>metadata.component.type</c>).</summary>
public enum SbomSubjectType
{
    /// <summary><c>application</c>: a downloadable app, a web app's bundle, a chart.</summary>
    Application,

    /// <summary><c>container</c>: a container image.</summary>
    Container,

    /// <summary><c>file</c>: any other file.</summary>
    File,
}
