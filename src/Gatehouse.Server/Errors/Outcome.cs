namespace Gatehouse.Server.Errors;

/// <summary>
/// What a service answers: the <see cref="Value"/> when the request was carried out, or the <see cref="Refusal"/>
/// saying why not. Exactly one of the two is set.
/// </summary>
public sealed class Outcome<T> where T : notnull
{
    private Outcome(T? value, Refusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    /// <summary>The result; set when <see cref="Refusal"/> is null.</summary>
    public T? Value { get; }

    public Refusal? Refusal { get; }

    public static Outcome<T> Done(T value) => new(value, null);

    public static Outcome<T> Refused(Refusal refusal) => new(default, refusal ?? throw new ArgumentNullException(nameof(refusal)));

    public static implicit operator Outcome<T>(T value) => Done(value);

    public static implicit operator Outcome<T>(Refusal refusal) => Refused(refusal);
}
