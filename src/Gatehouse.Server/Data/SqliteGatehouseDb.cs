using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Gatehouse.Server.Data;

/// <summary>The embedded default. Migrations in <c>Data/Migrations/Sqlite</c>.</summary>
internal sealed class SqliteGatehouseDb(DbContextOptions<SqliteGatehouseDb> options) : GatehouseDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // SQLite cannot compare or order DateTimeOffset text; store it as a sortable 64-bit number.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>Lets <c>dotnet ef</c> create SQLite migrations without starting the server.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteGatehouseDb>
{
    public SqliteGatehouseDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteGatehouseDb>().UseSqlite("Data Source=design.db").Options);
}
