using Gatehouse.Server.Tests.Support;
using Xunit.Abstractions;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>The crash test (<see cref="CrashConsistencyTests"/>) on SQLite; a class of its own so it runs beside PostgreSQL's.</summary>
public sealed class SqliteCrashTests(ITestOutputHelper output) : CrashConsistencyTests(DbKind.Sqlite, output);
