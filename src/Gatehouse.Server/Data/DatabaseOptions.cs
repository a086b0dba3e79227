namespace Gatehouse.Server.Data;

/// <summary>Settings of section <c>Database</c>.</summary>
internal sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default, file <c>{DataDirectory}/gatehouse.db</c>) or <c>Postgres</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Connection string; required for Postgres, optional for Sqlite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start-up (default true). Switch off when a deploy step migrates.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// Throw instead of logging when a query limits rows (<c>Take</c>, <c>Skip</c>) without an order, whose rows are
    /// then the database's choice. Default false (a warning in the log); the test servers set it, so such a query
    /// fails the suite.
    /// </summary>
    public bool StrictQueries { get; set; }
}

/// <summary>Supported database engines.</summary>
internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
