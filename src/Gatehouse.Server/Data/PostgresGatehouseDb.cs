using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Gatehouse.Server.Data;

/// <summary>PostgreSQL, for scale and for several machines. Migrations in <c>Data/Migrations/Postgres</c>.</summary>
internal sealed class PostgresGatehouseDb(DbContextOptions<PostgresGatehouseDb> options) : GatehouseDb(options);

/// <summary>Lets <c>dotnet ef</c> create PostgreSQL migrations without a running database.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresGatehouseDb>
{
    public PostgresGatehouseDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresGatehouseDb>().UseNpgsql("Host=127.0.0.1;Database=design").Options);
}
