namespace Gatehouse.Server.Errors;

/// <summary>The value of an <see cref="Outcome{T}"/> whose request has nothing to answer but that it was carried out.</summary>
public sealed class Completed
{
    public static readonly Completed Instance = new();

    private Completed()
    {
    }
}
