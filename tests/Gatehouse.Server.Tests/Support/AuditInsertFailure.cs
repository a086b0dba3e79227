using System.Data.Common;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// Fails a server's next write of an audit entry, as a crash or a lost connection between a state change and its entry
/// would (issue 14). Every <see cref="GatehouseApp"/> has one (<see cref="GatehouseApp.AuditFailure"/>), disarmed; it costs
/// nothing until armed. <see cref="Arm"/> it, make the request, and the command that inserts into <c>audit_entries</c>
/// (with an entry of that action) throws; it fires once and disarms itself. A change committed with its entry is then
/// rolled back with it; a change saved before its entry stays, unaudited, which is the bug the tests look for.
/// <code>
/// app.AuditFailure.Arm(AuditActions.TokenIssued);
/// var r = await client.PostAsJsonAsync("/api/tokens", ...);   // 500
/// Assert.True(app.AuditFailure.Fired);                      // the failure was met, so the test tested something
/// </code>
/// </summary>
public sealed class AuditInsertFailure
{
    private readonly Lock _gate = new();
    private bool _armed;
    private string? _action;

    /// <summary>Armed failures in the whole test process, so the interceptor does nothing at all while there are none.</summary>
    internal static int ArmedAnywhere;

    /// <summary>Whether the armed failure has been met since the last <see cref="Arm"/>.</summary>
    public bool Fired { get; private set; }

    /// <summary>
    /// Fails the next command that inserts an audit entry whose action is <paramref name="action"/> (any audit entry when
    /// null). Naming the action keeps the server's background work (the outbox, scans) from meeting the failure instead.
    /// </summary>
    public void Arm(string? action = null)
    {
        lock (_gate)
        {
            if (!_armed) Interlocked.Increment(ref ArmedAnywhere);
            (_armed, _action, Fired) = (true, action, false);
        }
    }

    /// <summary>Disarms without firing (it disarms itself when it fires).</summary>
    public void Disarm()
    {
        lock (_gate)
        {
            if (_armed) Interlocked.Decrement(ref ArmedAnywhere);
            _armed = false;
        }
    }

    /// <summary>Throws when armed and <paramref name="command"/> inserts the audit entry it waits for.</summary>
    internal void ThrowIfMet(DbCommand command)
    {
        lock (_gate)
        {
            if (!_armed || !Inserts(command)) return;
            _armed = false;
            Fired = true;
            Interlocked.Decrement(ref ArmedAnywhere);
        }
        throw new InvalidOperationException("injected failure: the audit entry could not be written (AuditInsertFailure)");
    }

    private bool Inserts(DbCommand command)
    {
        var sql = command.CommandText;
        if (!sql.Contains("INSERT", StringComparison.OrdinalIgnoreCase) || !sql.Contains("audit_entries", StringComparison.Ordinal)) return false;
        if (_action is null) return true;
        foreach (DbParameter p in command.Parameters)
            if (p.Value is string s && s == _action) return true;
        return false;
    }
}
