using Hangfire;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Creates each job in a DI scope of THIS host. Set explicitly on the job server so that no job is
/// ever activated through Hangfire's static <c>JobActivator.Current</c>, which belongs to whichever
/// host configured Hangfire last (several hosts share a process in tests).
/// </summary>
internal sealed class ScopedJobActivator(IServiceScopeFactory scopes) : JobActivator
{
    public override JobActivatorScope BeginScope(JobActivatorContext context) => new Scope(scopes.CreateScope());

    private sealed class Scope(IServiceScope scope) : JobActivatorScope
    {
        public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);
        public override void DisposeScope() => scope.Dispose();
    }
}
