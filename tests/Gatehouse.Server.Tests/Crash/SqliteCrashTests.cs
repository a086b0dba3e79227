using Gatehouse.Server.Tests.Support;
using Xunit.Abstractions;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>The crash test (<see cref="CrashConsistencyTests"/>) on SQLite.</summary>
[Collection("crash")]
public sealed class SqliteCrashTests(ITestOutputHelper output) : CrashConsistencyTests(DbKind.Sqlite, output);
