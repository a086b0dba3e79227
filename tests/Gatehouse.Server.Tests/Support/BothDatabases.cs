namespace Gatehouse.Server.Tests.Support;

/// <summary>Theory data: every server behaviour is checked on SQLite and on PostgreSQL.</summary>
public sealed class BothDatabases : TheoryData<DbKind>
{
    public BothDatabases()
    {
        Add(DbKind.Sqlite);
        Add(DbKind.Postgres);
    }
}
