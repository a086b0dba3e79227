using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Downloads;

/// <summary>The rule of section <c>Downloads</c> that spans two settings: the default lifetime fits under the longest.</summary>
internal sealed class DownloadOptionsValidator : IValidateOptions<DownloadOptions>
{
    public ValidateOptionsResult Validate(string? name, DownloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DefaultLifetime > options.MaxLifetime
            ? ValidateOptionsResult.Fail("Downloads:DefaultLifetime must not exceed Downloads:MaxLifetime")
            : ValidateOptionsResult.Success;
    }
}
