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
}

/// <summary>Supported database engines.</summary>
internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
