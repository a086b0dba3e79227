using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// The rules of section <c>Advisories</c> that data annotations cannot say: every source is an absolute path or an
/// http(s) URL, and a scheduled import has something to read.
/// </summary>
internal sealed class AdvisoriesOptionsValidator : IValidateOptions<AdvisoriesOptions>
{
    public ValidateOptionsResult Validate(string? name, AdvisoriesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        for (var i = 0; i < options.Sources.Count; i++)
            if (AdvisorySource.TryParse(options.Sources[i], out var problem) is null)
                failures.Add($"Advisories:Sources:{i}: {problem}");
        if (options.ImportInterval > TimeSpan.Zero && options.Sources.Count == 0)
            failures.Add("Advisories:ImportInterval is set but Advisories:Sources is empty: name the folders or URLs to import from");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
