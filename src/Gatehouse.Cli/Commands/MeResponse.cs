namespace Gatehouse.Cli.Commands;

/// <summary>The body of <c>GET /api/me</c>: who the token belongs to and what it may do.</summary>
internal sealed class MeResponse
{
    public string? Id { get; init; }

    public string? Email { get; init; }

    public IReadOnlyList<string>? Roles { get; init; }

    public IReadOnlyList<MeOrganization>? Organizations { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }
}
