using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// Makes one unit of work fail at a chosen step: every command it sends (query, insert, update, lock) and its commit is a
/// step, counted only for the <see cref="DbContext"/> it was armed with, so the server's background work is never hit.
/// Register with <see cref="AddTo"/>; arm, run the action, and look at the database.
/// </summary>
internal sealed class FaultInjection : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private DbContext? _target;
    private int _failAt;

    /// <summary>How many steps the armed context took so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Whether the fault was raised since the last <see cref="Arm"/>.</summary>
    public bool Fired { get; private set; }

    /// <summary>Registers this interceptor with the server's database context (both providers).</summary>
    public void AddTo(IServiceCollection services)
    {
        services.ConfigureDbContext<Gatehouse.Server.Data.SqliteGatehouseDb>(o => o.AddInterceptors(this));
        services.ConfigureDbContext<Gatehouse.Server.Data.PostgresGatehouseDb>(o => o.AddInterceptors(this));
    }

    /// <summary>Step <paramref name="failAt"/> (1-based) of <paramref name="target"/> throws <see cref="InjectedFault"/>.</summary>
    public void Arm(DbContext target, int failAt)
    {
        (_target, _failAt, Steps, Fired) = (target, failAt, 0, false);
    }

    public void Disarm() => _target = null;

    private void Step(DbContext? context)
    {
        if (context is null || !ReferenceEquals(context, _target)) return;
        if (++Steps != _failAt) return;
        Fired = true;
        throw new InjectedFault(Steps);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Step(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Step(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Step(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Step(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Step(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Step(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        Step(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Step(eventData.Context);
        return ValueTask.FromResult(result);
    }
}

/// <summary>The failure <see cref="FaultInjection"/> raises: a crash at step <c>N</c>, as far as the unit of work can tell.</summary>
internal sealed class InjectedFault(int step) : Exception($"injected fault at step {step}");
