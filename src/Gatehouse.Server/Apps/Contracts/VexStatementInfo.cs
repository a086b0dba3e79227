namespace Gatehouse.Server.Apps;

/// <summary>A statement of a submitted VEX document that became no suppression request, and why.</summary>
/// <param name="Vulnerability">The statement's vulnerability ID as written.</param>
/// <param name="Products">Its products and subcomponents (purls where they are purls).</param>
/// <param name="Status">Its status as OpenVEX writes it (<c>not_affected</c>, <c>affected</c>, <c>fixed</c>, <c>under_investigation</c>).</param>
public sealed record VexStatementInfo(string Vulnerability, IReadOnlyList<string> Products, string Status, string Reason);
