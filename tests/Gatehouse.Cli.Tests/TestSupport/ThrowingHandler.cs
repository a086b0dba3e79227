namespace Gatehouse.Cli.Tests.TestSupport;

/// <summary>A transport that throws what it is given, or waits until cancelled when given nothing.</summary>
internal sealed class ThrowingHandler(Exception? exception = null) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (exception is not null) throw exception;
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}
