using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// Where one test server's start-up time goes, recorded through <see cref="Timings"/> (only when
/// <c>GATEHOUSE_TEST_TIMINGS</c> is set): the database copy, <c>Program.cs</c> up to <c>Build()</c>, the container
/// build, <c>PrepareAsync</c> (migrations, listing policies, requirements, bootstrap admin), option validation and the
/// hosted services (Hangfire, the reconciler, the outbox), and the rest until the server answers.
/// </summary>
internal sealed class StartPhases
{
    public const string Program = "program";   // Program.cs ran up to builder.Build() (configuration, AddXxx)
    private const string Built = "build";        // the container is built; PrepareAsync resolves its first service
    private const string Prepared = "prepare";   // PrepareAsync and the pipeline set-up are done; the host starts
    private const string Hosted = "hosted";      // options validated, every hosted service started

    private readonly System.Diagnostics.Stopwatch _clock = new();
    private readonly List<(string Phase, TimeSpan At)> _marks = [];
    private TimeSpan _data;

    /// <summary>The database and data directory are ready (<paramref name="data"/> after the start began).</summary>
    public void Begin(TimeSpan data)
    {
        _data = data;
        _clock.Start();
    }

    public void Mark(string phase)
    {
        if (!_clock.IsRunning) return;
        lock (_marks) _marks.Add((phase, _clock.Elapsed));
    }

    /// <summary>Adds the markers: the first service PrepareAsync resolves, a hosted service first and one last.</summary>
    public void Instrument(IServiceCollection services)
    {
        var console = services.Single(d => d.ServiceType == typeof(StartupConsole));
        var instance = (StartupConsole)console.ImplementationInstance!;
        services.Remove(console);
        services.AddSingleton(_ => { Mark(Built); return instance; });
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(new Marker(this, Prepared)));
        services.AddSingleton<IHostedService>(new Marker(this, Hosted));
    }

    /// <summary>Writes one line per phase (its own duration) and the server's total.</summary>
    public void Record(DbKind kind, string test)
    {
        if (!_clock.IsRunning) return;
        var end = _clock.Elapsed;
        Timings.Record($"phase:{kind}:data", test, _data);
        var last = TimeSpan.Zero;
        lock (_marks)
            foreach (var (phase, at) in _marks)
            {
                Timings.Record($"phase:{kind}:{phase}", test, at - last);
                last = at;
            }
        Timings.Record($"phase:{kind}:ready", test, end - last);
        _clock.Reset();
    }

    private sealed class Marker(StartPhases phases, string phase) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            phases.Mark(phase);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
