namespace Gatehouse.Server.Usage;

/// <summary>Who made a platform call: the app, the tenant it acted for, the credential and its scopes.</summary>
/// <param name="AppId">The app.</param>
/// <param name="AppSlug">The app's slug (its OAuth client id).</param>
/// <param name="TenantId">The tenant the credential is bound to, when exactly one.</param>
/// <param name="CredentialId">An API key id, or <c>oauth:{client}</c>.</param>
/// <param name="Scopes">The credential's scopes.</param>
/// <param name="Tier">The app's listing tier (its rate limits).</param>
internal sealed record PlatformCaller(Guid AppId, string AppSlug, Guid? TenantId, string CredentialId, IReadOnlyList<string> Scopes, string Tier);
