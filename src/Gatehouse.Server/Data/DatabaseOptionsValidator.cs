using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Data;

/// <summary>The rule of section <c>Database</c> that spans two settings: PostgreSQL needs a connection string.</summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail("Database:ConnectionString is required when Database:Provider is Postgres")
            : ValidateOptionsResult.Success;
    }
}
