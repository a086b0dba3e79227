namespace Gatehouse.Cli.Tests.TestSupport;

/// <summary>A transport that fails like a server that is down.</summary>
internal sealed class UnreachableHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new HttpRequestException("Connection refused (gatehouse.invalid:443)");
}
