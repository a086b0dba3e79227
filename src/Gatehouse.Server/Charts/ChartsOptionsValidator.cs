using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Charts;

/// <summary>
/// Section <c>Charts</c> at start-up: a configured Helm must be an absolute path to a file that exists, so a typo fails the
/// start rather than making every chart scan incomplete. (<c>GATEHOUSE_HELM</c> and the PATH are not checked: a missing
/// Helm there is the documented "incomplete" outcome.)
/// </summary>
internal sealed class ChartsOptionsValidator : IValidateOptions<ChartsOptions>
{
    public ValidateOptionsResult Validate(string? name, ChartsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.HelmPath)) return ValidateOptionsResult.Success;
        if (!Path.IsPathFullyQualified(options.HelmPath)) return ValidateOptionsResult.Fail("Charts:HelmPath must be an absolute path");
        return File.Exists(options.HelmPath) ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Charts:HelmPath {options.HelmPath} does not exist");
    }
}
