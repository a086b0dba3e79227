namespace Gatehouse.Cli.Commands;

/// <summary>An organisation membership in <see cref="MeResponse"/>.</summary>
internal sealed class MeOrganization
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Role { get; init; }
}
