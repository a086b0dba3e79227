namespace Gatehouse.Analysis.Usage;

/// <summary>A scope granted to an app, and since when (a scope granted yesterday cannot be "unused for 30 days").</summary>
/// <param name="Scope">The scope name (<c>files.read</c>).</param>
/// <param name="GrantedAt">When the grant was made.</param>
public sealed record GrantedScope(string Scope, DateTimeOffset GrantedAt);
