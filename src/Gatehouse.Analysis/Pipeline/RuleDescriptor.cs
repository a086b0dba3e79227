namespace Gatehouse.Analysis.Pipeline;

/// <summary>A rule an analyzer can report; listed by <c>gatehouse rules</c>, documented in <c>docs/rules/{Id}.md</c>.</summary>
/// <param name="Id">Stable ID, <c>family.name</c>.</param>
/// <param name="Title">One line.</param>
/// <param name="DefaultSeverity">Severity unless the policy overrides it.</param>
/// <param name="RequirementId">The requirement it verifies (<c>GH-…</c>).</param>
/// <param name="Description">What it detects and how to fix it, a few sentences.</param>
public sealed record RuleDescriptor(string Id, string Title, Severity DefaultSeverity, string RequirementId, string Description)
{
    public string DocPath => $"docs/rules/{Id}.md";
}
