using Gatehouse.Server.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Notifications;

/// <summary>The SSRF refusal tells the vendor no more than "not allowed"; the detail goes to the server log.</summary>
public sealed class WebhookAddressGuardTests
{
    private sealed class ListLogger : ILogger<WebhookAddressGuard>
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }

    [Fact]
    public async Task A_refused_host_is_told_only_that_its_address_is_not_allowed_and_the_log_keeps_what_it_resolved_to()
    {
        var log = new ListLogger();
        var guard = new WebhookAddressGuard(Options.Create(new NotificationsOptions()), log);

        // An internal name: the answer must not say where it points (here loopback; in production, the internal network).
        var internalName = await Assert.ThrowsAsync<WebhookRefusedException>(() => guard.ResolveAllowedAsync("localhost", CancellationToken.None));
        Assert.DoesNotContain("127.0.0.1", internalName.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("::1", internalName.Message, StringComparison.Ordinal);
        Assert.Contains("not allowed", internalName.Message, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.Contains("localhost", StringComparison.Ordinal) && l.Contains("127.0.0.1", StringComparison.Ordinal));

        // A name that does not resolve gets the same answer, so the refusal is no oracle for which internal names exist.
        var missing = await Assert.ThrowsAsync<WebhookRefusedException>(() => guard.ResolveAllowedAsync("no-such-host.invalid", CancellationToken.None));
        Assert.Equal(internalName.Message.Replace("localhost", "no-such-host.invalid", StringComparison.Ordinal), missing.Message);
    }
}
