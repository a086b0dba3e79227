using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>Registers the blob store that <c>Blobs:Backend</c> names, and checks its settings (docs/storage.md).</summary>
internal static class BlobStoreSetup
{
    /// <summary>
    /// <c>filesystem</c> (default): <see cref="FileSystemBlobStore"/>. <c>s3</c>: <see cref="S3BlobStore"/>, also as
    /// <see cref="IPresigningBlobStore"/>. An unknown backend stops the start. The file system store's default
    /// directory is <c>blobs</c> under <paramref name="dataDirectory"/> (when given).
    /// </summary>
    public static IServiceCollection AddGatehouseBlobStore(this IServiceCollection services, IConfiguration configuration, string? dataDirectory = null)
    {
        services.AddOptions<BlobStoreOptions>().BindConfiguration(BlobStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (dataDirectory is not null)
            services.PostConfigure<BlobStoreOptions>(o => o.Path ??= Path.Combine(dataDirectory, "blobs"));
        services.AddSingleton<IValidateOptions<BlobStoreOptions>, BlobStoreOptionsValidator>();
        services.AddScoped<BlobQuotas>();
        if (BackendOf(configuration) == BlobBackend.S3)
        {
            services.AddSingleton<S3BlobStore>();
            services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<S3BlobStore>());
            services.AddSingleton<IPresigningBlobStore>(sp => sp.GetRequiredService<S3BlobStore>());
        }
        else
        {
            services.AddSingleton<FileSystemBlobStore>();
            services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<FileSystemBlobStore>());
        }
        return services;
    }

    /// <summary>Removes temporary files of uploads a crash interrupted, whichever store is in use.</summary>
    public static int CleanStaleBlobTemporaryFiles(this IServiceProvider services, TimeSpan olderThan, DateTimeOffset now) =>
        services.GetRequiredService<IBlobStore>() switch
        {
            FileSystemBlobStore files => files.CleanStaleTemporaryFiles(olderThan, now),
            S3BlobStore s3 => s3.CleanStaleTemporaryFiles(olderThan, now),
            _ => 0,
        };

    private static BlobBackend BackendOf(IConfiguration configuration)
    {
        var value = configuration[$"{BlobStoreOptions.Section}:{nameof(BlobStoreOptions.Backend)}"];
        if (string.IsNullOrWhiteSpace(value) || value.Equals("filesystem", StringComparison.OrdinalIgnoreCase)) return BlobBackend.FileSystem;
        if (value.Equals("s3", StringComparison.OrdinalIgnoreCase)) return BlobBackend.S3;
        throw new InvalidOperationException($"Blobs:Backend must be 'filesystem' or 's3', not '{value}'");
    }
}

/// <summary>
/// The rules of section <c>Blobs</c> that depend on <see cref="BlobStoreOptions.Backend"/>: the <c>Blobs:S3</c>
/// settings, checked when the backend is <c>s3</c>. Each failure names its key.
/// </summary>
internal sealed class BlobStoreOptionsValidator : IValidateOptions<BlobStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, BlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Backend != BlobBackend.S3) return ValidateOptionsResult.Success;
        var failures = new List<string>();
        var s3 = options.S3;
        if (string.IsNullOrWhiteSpace(s3.ServiceUrl))
            failures.Add("Blobs:S3:ServiceUrl is required when Blobs:Backend is s3");
        else if (!Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
                 || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.UserInfo))
            failures.Add("Blobs:S3:ServiceUrl must be an absolute http:// or https:// URL without query or user info");
        if (string.IsNullOrWhiteSpace(s3.Bucket))
            failures.Add("Blobs:S3:Bucket is required when Blobs:Backend is s3");
        else if (s3.Bucket.Length is < 3 or > 63 || !s3.Bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            failures.Add("Blobs:S3:Bucket must be a bucket name: 3-63 lower-case letters, digits, '-' or '.'");
        if (string.IsNullOrWhiteSpace(s3.Region))
            failures.Add("Blobs:S3:Region must not be empty (default us-east-1)");
        if (string.IsNullOrEmpty(s3.AccessKey) != string.IsNullOrEmpty(s3.SecretKey))
            failures.Add("Blobs:S3:AccessKey and Blobs:S3:SecretKey are set together, or both left empty for the AWS default credentials");
        if (!string.IsNullOrEmpty(s3.Prefix)
            && (s3.Prefix.StartsWith('/') || s3.Prefix.Contains("//", StringComparison.Ordinal) || s3.Prefix.Split('/').Any(p => p is "." or "..")
                || !s3.Prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.')))
            failures.Add("Blobs:S3:Prefix may hold letters, digits, '-', '_', '.' and '/' only, must not start with '/' and has no '.' or '..' segments");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
