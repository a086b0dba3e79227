using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Gatehouse.Server.Data;

/// <summary>Tells a <see cref="GatehouseDb"/> when its transaction commits or rolls back (<see cref="GatehouseDb.AfterCommit"/>).</summary>
internal sealed class AfterCommitInterceptor : DbTransactionInterceptor
{
    public static readonly AfterCommitInterceptor Instance = new();

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        (eventData.Context as GatehouseDb)?.RunAfterCommit();
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        (eventData.Context as GatehouseDb)?.DiscardAfterCommit();
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }
}
