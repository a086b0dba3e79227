namespace Gatehouse.Server.Tests.Support;

/// <summary>The database a test host runs on; server tests run on both.</summary>
public enum DbKind
{
    Sqlite,
    Postgres,
}
