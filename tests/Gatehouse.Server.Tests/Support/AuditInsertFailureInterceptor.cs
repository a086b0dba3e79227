using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// The EF Core command interceptor behind <see cref="AuditInsertFailure"/>. One instance for the test process (as EF
/// likes its interceptors); each command asks the <see cref="AuditInsertFailure"/> of the server whose context runs it
/// (a singleton of that server's container), so servers running side by side never fail each other's writes.
/// </summary>
internal sealed class AuditInsertFailureInterceptor : DbCommandInterceptor
{
    public static readonly AuditInsertFailureInterceptor Instance = new();

    /// <summary>Adds the interceptor to the server's <c>GatehouseDb</c> of <paramref name="kind"/> and registers <paramref name="failure"/>.</summary>
    public static void AddTo(IServiceCollection services, DbKind kind, AuditInsertFailure failure)
    {
        services.AddSingleton(failure);
        if (kind == DbKind.Sqlite)
            services.ConfigureDbContext<Gatehouse.Server.Data.SqliteGatehouseDb>(o => o.AddInterceptors(Instance));
        else
            services.ConfigureDbContext<Gatehouse.Server.Data.PostgresGatehouseDb>(o => o.AddInterceptors(Instance));
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command, eventData);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbCommand command, CommandEventData eventData)
    {
        if (Volatile.Read(ref AuditInsertFailure.ArmedAnywhere) == 0 || eventData.Context is not { } context) return;
        var services = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        services?.GetService<AuditInsertFailure>()?.ThrowIfMet(command);
    }
}
