using System.Security.Cryptography.X509Certificates;

namespace Gatehouse.Analysis.Probes;

/// <summary>Limits and trust of the endpoint probe. Defaults are what the gate uses in production.</summary>
public sealed record ProbeOptions
{
    /// <summary>
    /// Addresses or networks (<c>127.0.0.1</c>, <c>10.1.0.0/16</c>) the probe may connect to although they
    /// are not public. Empty by default: only public addresses are probed.
    /// </summary>
    public IReadOnlyList<string> AllowedAddresses { get; init; } = [];

    /// <summary>
    /// Extra trust roots for the certificate check (tests, private PKIs). When set, the chain must end in one
    /// of these instead of the system store. Applies to this probe only, never process-wide.
    /// </summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>Time limit for each connection, handshake and request (default 10 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most bytes of a response body read (default 64 KiB); the rest is discarded unread.</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024;

    /// <summary>Most declared endpoints probed (default 50).</summary>
    public int MaxEndpoints { get; init; } = 50;

    /// <summary>A certificate expiring sooner than this is reported (default 30 days).</summary>
    public TimeSpan CertificateExpiryWarning { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Clock for certificate validity and JWT times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
