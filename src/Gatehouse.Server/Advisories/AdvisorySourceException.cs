namespace Gatehouse.Server.Advisories;

/// <summary>A source of the scheduled import could not be read; the message says why, for the run's report and the log.</summary>
internal sealed class AdvisorySourceException : Exception
{
    public AdvisorySourceException(string message) : base(message)
    {
    }

    public AdvisorySourceException(string message, Exception inner) : base(message, inner)
    {
    }

    public AdvisorySourceException()
    {
    }
}
