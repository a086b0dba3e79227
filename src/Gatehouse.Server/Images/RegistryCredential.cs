namespace Gatehouse.Server.Images;

/// <summary>
/// A vendor organisation's login to a registry its images are pulled from (issue 17): the registry host, a user name and
/// the secret (password or token), encrypted with ASP.NET Core data protection (<see cref="VendorRegistryCredentials.Purpose"/>)
/// because a pull needs it back. The secret is never returned, shown or logged.
/// </summary>
public sealed class RegistryCredential
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>The registry host (and port) the credential is for, lower-case, e.g. <c>registry.example.com</c>; a pull to another registry never sends it.</summary>
    public required string Registry { get; set; }
    public required string Username { get; set; }
    /// <summary>The secret, protected (never the clear text).</summary>
    public required string ProtectedSecret { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
