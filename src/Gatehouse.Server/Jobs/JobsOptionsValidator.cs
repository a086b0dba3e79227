using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Jobs;

/// <summary>The one cross-key rule of <see cref="JobsOptions"/>: a lease outlives two missed heartbeats.</summary>
internal sealed class JobsOptionsValidator : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Heartbeat * 2 < options.Lease
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Jobs:Heartbeat ({options.Heartbeat}) must be less than half of Jobs:Lease ({options.Lease})");
    }
}
