namespace Gatehouse.Analysis.Images.Registry;

/// <summary>A user name and password (or token) for a registry's basic or token authentication. Never logged.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    public override string ToString() => $"RegistryCredentials({Username}, ***)";
}
