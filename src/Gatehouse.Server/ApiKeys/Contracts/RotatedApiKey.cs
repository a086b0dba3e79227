namespace Gatehouse.Server.ApiKeys;

/// <summary>A rotated key's successor, with the slug of the app it belongs to (the API answers with its key list's location).</summary>
public sealed record RotatedApiKey(string App, CreatedApiKey Key);
