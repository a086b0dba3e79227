namespace Gatehouse.Analysis.Requirements;

/// <summary>
/// The requirements catalogue or a questionnaire is invalid. <see cref="Errors"/> lists every problem,
/// each naming the file, the ID and the line; the message joins them.
/// </summary>
public sealed class GuidelineDataException : Exception
{
    public GuidelineDataException(string what, IReadOnlyList<string> errors)
        : base($"{what} is invalid:\n" + string.Join('\n', errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public GuidelineDataException() : this("data", []) { }

    public GuidelineDataException(string message) : this(message, []) { }

    public GuidelineDataException(string message, Exception inner) : base(message, inner) { Errors = [message]; }

    public IReadOnlyList<string> Errors { get; } = [];
}
