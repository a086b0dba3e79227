using Gatehouse.Server.Tests.Support;
using Xunit.Abstractions;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>The crash test (<see cref="CrashConsistencyTests"/>) on PostgreSQL.</summary>
[Collection("crash")]
public sealed class PostgresCrashTests(ITestOutputHelper output) : CrashConsistencyTests(DbKind.Postgres, output);
