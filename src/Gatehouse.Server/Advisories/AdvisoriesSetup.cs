using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Jobs;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// Registers the server's advisory store (issue 16): one <see cref="AdvisoryStore"/> per process, opened at first use in
/// <c>Advisories:Path</c> (default <c>{DataDirectory}/advisories</c>) and registered as the one
/// <see cref="IAdvisorySource"/> that scans match against (<c>Scanning/FileScanRunner</c>); the imports (admin upload and
/// the scheduled <c>advisories.import</c> work, every <c>Advisories:ImportInterval</c>, off by default); and the
/// downloader of the scheduled import. Features that react to imports register an <see cref="IAdvisoryImportObserver"/>.
/// </summary>
internal static class AdvisoriesSetup
{
    /// <summary>The store's folder under the data folder when <c>Advisories:Path</c> is not set.</summary>
    public const string FolderName = "advisories";

    public static IServiceCollection AddGatehouseAdvisories(this IServiceCollection services, string dataDirectory)
    {
        services.AddOptions<AdvisoriesOptions>().BindConfiguration(AdvisoriesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdvisoriesOptions>, AdvisoriesOptionsValidator>();
        // Web and worker processes of one machine may share the folder: the store is SQLite, which serialises their writes.
        services.AddSingleton(sp => AdvisoryStore.Open(
            StorePath(sp.GetRequiredService<IOptions<AdvisoriesOptions>>().Value, dataDirectory), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAdvisorySource>(sp => sp.GetRequiredService<AdvisoryStore>());
        services.AddSingleton<AdvisoryDownloader>();
        services.AddScoped<AdvisoryImports>();
        services.AddScoped<IWorkHandler, AdvisoryImportHandler>();
        PeriodicWork.Register<AdvisoriesOptions>(services, AdvisoryImportHandler.KindName, o => o.ImportInterval);
        return services;
    }

    /// <summary><c>Advisories:Path</c>, relative to the data folder when relative; else <c>{DataDirectory}/advisories</c>.</summary>
    public static string StorePath(AdvisoriesOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Path)
            ? Path.Combine(dataDirectory, FolderName)
            : Path.GetFullPath(options.Path, Path.GetFullPath(dataDirectory));
    }
}
