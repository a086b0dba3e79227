using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning.Probes;

/// <summary>The rule of section <c>Gatehouse:Probe</c> that spans two settings: a whole probe gets at least one request's time.</summary>
internal sealed class ProbeSettingsValidator : IValidateOptions<ProbeSettings>
{
    public const string MaxDurationRule = "Gatehouse:Probe:MaxDuration must be at least RequestTimeout and at most 1 hour";

    public ValidateOptionsResult Validate(string? name, ProbeSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxDuration < options.RequestTimeout ? ValidateOptionsResult.Fail(MaxDurationRule) : ValidateOptionsResult.Success;
    }
}
