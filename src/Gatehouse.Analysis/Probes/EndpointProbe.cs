using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Probes;

/// <summary>A target the probe will not connect to (SSRF guard), or whose host does not resolve.</summary>
public sealed class ProbeRefusedException(string message, bool ssrf) : Exception(message)
{
    /// <summary>True when the host resolved only to non-public addresses.</summary>
    public bool Ssrf { get; } = ssrf;
}

/// <summary>
/// Probes a web integration's endpoints from the outside (issue 5, point 6; docs/probe.md): TLS versions,
/// certificate, HSTS, security headers, cookie flags, and that declared endpoints and the lifecycle webhook
/// refuse missing, forged and unsigned credentials. Vendor URLs are attacker-controlled (DESIGN principle 5):
/// the host is resolved once, only public or allow-listed addresses are used, every connection goes to that
/// address (no second lookup, no DNS rebinding), redirects are never followed, and time and sizes are bounded.
/// </summary>
public static class EndpointProbe
{
    private const int HstsMinimum = 31536000;

    /// <summary>Runs every check against <paramref name="target"/>. Never throws for what the target does; throws <see cref="ArgumentException"/> for a malformed target.</summary>
    public static async Task<ProbeReport> ProbeAsync(ProbeTarget target, ProbeOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var baseUrl = CheckUrl(target.BaseUrl, "base URL");
        var endpoints = target.Endpoints.Take(options.MaxEndpoints).Select(e => ResolveEndpoint(baseUrl, e)).Distinct().ToList();
        var webhook = target.WebhookUrl is null ? null : CheckUrl(target.WebhookUrl, "webhook URL");
        var run = new Run(options, baseUrl.GetLeftPart(UriPartial.Path));
        var started = options.TimeProvider.GetTimestamp();

        try
        {
            var baseAddress = await run.PinAsync(baseUrl, ct);
            bool? certOk = null;
            if (baseAddress is not null)
            {
                certOk = await run.CheckTlsAsync(baseUrl, baseAddress, ct);
                if (certOk is null) baseAddress = null; // unreachable: reported once, nothing more to ask it
            }
            if (baseAddress is not null)
            {
                var certificateValid = certOk == true;
                using var client = run.CreateClient(baseUrl.IdnHost, baseAddress);
                await run.CheckBaseResponseAsync(client, baseUrl, ct);
                foreach (var endpoint in endpoints)
                    await run.CheckEndpointAsync(client, endpoint, certificateValid ? target.Credential : null, ct);
                if (target.Credential is null) run.Checks.Add(new ProbeCheck("cache-control", "skipped", "no test credential was given, so no authenticated response could be checked"));
                else if (!certificateValid) run.Checks.Add(new ProbeCheck("cache-control", "skipped", "the certificate is not valid, so the test credential was not sent"));
            }
            if (webhook is not null)
            {
                var hookAddress = webhook.IdnHost == baseUrl.IdnHost && webhook.Port == baseUrl.Port ? baseAddress : await run.PinAsync(webhook, ct);
                if (hookAddress is not null)
                {
                    using var client = run.CreateClient(webhook.IdnHost, hookAddress);
                    await run.CheckWebhookAsync(client, webhook, ct);
                }
            }
        }
        finally
        {
            run.CollectCookies();
        }

        var (verdict, reasons) = run.Incomplete.Count > 0
            ? (Verdict.Incomplete, (IReadOnlyList<string>)run.Incomplete)
            : VerdictRules.Decide(run.Findings, [], Policy.Default);
        var elapsed = (long)options.TimeProvider.GetElapsedTime(started).TotalMilliseconds;
        return new ProbeReport(run.TargetName, ProbeRules.Version, verdict, reasons, run.Findings, run.Checks, elapsed);
    }

    /// <summary>
    /// Resolves <paramref name="host"/> once and returns the addresses the probe may connect to: public ones,
    /// and non-public ones only when <paramref name="allowed"/> lists them. Throws <see cref="ProbeRefusedException"/> when none remain.
    /// </summary>
    public static async Task<IPAddress[]> ResolveAllowedAsync(string host, IReadOnlyList<string> allowed, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(allowed);
        host = host.Trim('[', ']').TrimEnd('.');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            try { addresses = await Dns.GetHostAddressesAsync(host, ct); }
            catch (SocketException ex) { throw new ProbeRefusedException($"{host} does not resolve ({ex.SocketErrorCode})", ssrf: false); }
        }
        var networks = allowed.Select(a => PublicAddresses.TryParseNetwork(a, out var n) ? n : throw new ArgumentException($"not an address or network: {a}", nameof(allowed))).ToList();
        var normalized = addresses.Select(PublicAddresses.Normalize).Distinct().ToList();
        var ok = normalized.Where(a => PublicAddresses.IsPublic(a) || networks.Any(n => n.BaseAddress.AddressFamily == a.AddressFamily && n.Contains(a)))
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToArray();
        if (ok.Length > 0) return ok;
        throw normalized.Count == 0
            ? new ProbeRefusedException($"{host} has no addresses", ssrf: false)
            : new ProbeRefusedException($"{host} resolves to {string.Join(", ", normalized)}, which is not a public address; the probe does not connect to it unless allow-listed", ssrf: true);
    }

    private static Uri CheckUrl(Uri url, string what)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps) throw new ArgumentException($"the {what} must be an absolute https URL: {url}");
        if (!string.IsNullOrEmpty(url.UserInfo)) throw new ArgumentException($"the {what} must not contain credentials");
        return url;
    }

    private static Uri ResolveEndpoint(Uri baseUrl, string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        var url = Uri.TryCreate(endpoint, UriKind.Absolute, out var abs) && abs.Scheme is "https" or "http" ? abs : new Uri(baseUrl, endpoint);
        if (url.Scheme != Uri.UriSchemeHttps || !string.Equals(url.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase) || url.Port != baseUrl.Port)
            throw new ArgumentException($"endpoint {endpoint} is not on the base URL's host");
        return url;
    }

    /// <summary>The state of one probe run.</summary>
    private sealed class Run(ProbeOptions options, string targetName)
    {
        public string TargetName { get; } = targetName;
        public List<Finding> Findings { get; } = [];
        public List<ProbeCheck> Checks { get; } = [];
        public List<string> Incomplete { get; } = [];
        private readonly Dictionary<string, (string Url, string Header)> _cookies = new(StringComparer.Ordinal);

        public void Add(RuleDescriptor rule, string path, string message, params string[] key) =>
            Findings.Add(new Finding(rule.Id, rule.DefaultSeverity, path, message, Fingerprints.Of(rule.Id, path, key))
            {
                RequirementId = rule.RequirementId,
                AnalyzerId = ProbeRules.AnalyzerId,
            });

        private void Unreachable(string url, string why)
        {
            Add(ProbeRules.Unreachable, url, why);
            Incomplete.Add($"{ProbeRules.Unreachable.Id}: {url}: {why}");
        }

        public async Task<IPAddress?> PinAsync(Uri url, CancellationToken ct)
        {
            try
            {
                using var cts = Timeout(ct);
                return (await ResolveAllowedAsync(url.IdnHost, options.AllowedAddresses, cts.Token))[0];
            }
            catch (ProbeRefusedException ex)
            {
                var rule = ex.Ssrf ? ProbeRules.SsrfBlocked : ProbeRules.Unreachable;
                var path = url.GetLeftPart(UriPartial.Path);
                Add(rule, path, ex.Message);
                Incomplete.Add($"{rule.Id}: {ex.Message}");
                return null;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Unreachable(url.GetLeftPart(UriPartial.Path), $"resolving {url.IdnHost} timed out");
                return null;
            }
        }

        private CancellationTokenSource Timeout(CancellationToken ct)
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(options.RequestTimeout);
            return cts;
        }

        private async Task<Stream> ConnectAsync(IPAddress address, int port, CancellationToken ct)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Certificate and protocol checks on our own handshakes; true when the certificate is valid, null when the host is unreachable.</summary>
        public async Task<bool?> CheckTlsAsync(Uri url, IPAddress address, CancellationToken ct)
        {
            var path = url.GetLeftPart(UriPartial.Authority);
            var host = url.IdnHost.Trim('[', ']');
            var sni = IPAddress.TryParse(host, out _) ? null : host;
            X509Certificate2? leaf = null;
            var intermediates = new X509Certificate2Collection();
            SslProtocols negotiated;
            try
            {
                using var cts = Timeout(ct);
                await using var network = await ConnectAsync(address, url.Port, cts.Token);
                await using var ssl = new SslStream(network, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = sni ?? "",
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    // Record, then judge below with our own chain (custom roots, the probe's clock); the handshake
                    // itself carries nothing secret.
                    RemoteCertificateValidationCallback = (_, cert, chain, _) =>
                    {
                        if (cert is not null) leaf = new X509Certificate2(cert);
                        if (chain is not null)
                            foreach (var e in chain.ChainElements.Skip(1)) intermediates.Add(new X509Certificate2(e.Certificate));
                        return true;
                    },
                }, cts.Token);
                negotiated = ssl.SslProtocol;
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                Unreachable(path, $"TLS 1.2/1.3 handshake failed: {ex.Message}");
                return null;
            }

            using (leaf)
            {
                Checks.Add(new ProbeCheck("tls-negotiated", "pass", negotiated.ToString()));
                var valid = leaf is not null && JudgeCertificate(path, host, leaf, intermediates);
                foreach (var c in intermediates) c.Dispose();
                await CheckLegacyTlsAsync(path, address, url.Port, sni, ct);
                return valid;
            }
        }

        private bool JudgeCertificate(string path, string host, X509Certificate2 leaf, X509Certificate2Collection intermediates)
        {
            var now = options.TimeProvider.GetUtcNow();
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
            if (options.TrustedRoots is { Count: > 0 } roots)
            {
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            }
            var problems = new List<string>();
            if (!chain.Build(leaf))
                problems.AddRange(chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct());
            if (!leaf.MatchesHostname(host)) problems.Add($"NameMismatch (the certificate is not for {host})");
            if (problems.Count > 0)
            {
                Add(ProbeRules.CertificateInvalid, path, $"certificate {leaf.Subject} (expires {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}) is not valid: {string.Join(", ", problems)}", leaf.Thumbprint);
                Checks.Add(new ProbeCheck("certificate", "fail", string.Join(", ", problems)));
                return false;
            }
            var left = leaf.NotAfter.ToUniversalTime() - now.UtcDateTime;
            if (left < options.CertificateExpiryWarning)
            {
                Add(ProbeRules.CertificateExpiring, path, string.Create(CultureInfo.InvariantCulture,
                    $"certificate {leaf.Subject} expires {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}, in {Math.Max(0, (int)left.TotalDays)} days"), leaf.Thumbprint);
                Checks.Add(new ProbeCheck("certificate", "fail", "expiring"));
            }
            else Checks.Add(new ProbeCheck("certificate", "pass", $"valid until {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}"));
            return true;
        }

        private async Task CheckLegacyTlsAsync(string path, IPAddress address, int port, string? sni, CancellationToken ct)
        {
            (LegacyTlsOutcome Outcome, string Detail) result;
            try
            {
                using var cts = Timeout(ct);
                await using var network = await ConnectAsync(address, port, cts.Token);
                result = await LegacyTlsProbe.RunAsync(network, sni, cts.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                result = (LegacyTlsOutcome.Inconclusive, ex.Message);
            }
            switch (result.Outcome)
            {
                case LegacyTlsOutcome.Accepted:
                    Add(ProbeRules.TlsVersion, path, $"offered at most TLS 1.1, {result.Detail}");
                    Checks.Add(new ProbeCheck("tls-legacy", "fail", result.Detail));
                    break;
                case LegacyTlsOutcome.Refused:
                    Checks.Add(new ProbeCheck("tls-legacy", "pass", result.Detail));
                    break;
                default:
                    Checks.Add(new ProbeCheck("tls-legacy", "not-testable", result.Detail));
                    Incomplete.Add($"{ProbeRules.TlsVersion.Id}: could not tell whether TLS 1.0/1.1 are refused: {result.Detail}");
                    break;
            }
        }

        /// <summary>An HTTP client whose every connection goes to <paramref name="address"/>; SNI and Host stay <paramref name="host"/>.</summary>
        public HttpClient CreateClient(string host, IPAddress address)
        {
            var expected = host.Trim('[', ']');
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // a redirect could point anywhere, e.g. at 127.0.0.1
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = options.RequestTimeout,
                MaxResponseHeadersLength = 64, // KiB
                MaxResponseDrainSize = 0,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                SslOptions = new SslClientAuthenticationOptions
                {
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    // The certificate was judged by CheckTlsAsync (and reported). These requests carry only forged
                    // credentials, and the vendor's test credential is sent only when the certificate is valid.
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                },
                ConnectCallback = async (context, token) =>
                {
                    if (!string.Equals(context.DnsEndPoint.Host.Trim('[', ']'), expected, StringComparison.OrdinalIgnoreCase))
                        throw new HttpRequestException($"refused to connect to {context.DnsEndPoint.Host}: not the probed host");
                    return await ConnectAsync(address, context.DnsEndPoint.Port, token);
                },
            };
            return new HttpClient(handler) { Timeout = options.RequestTimeout, MaxResponseContentBufferSize = options.MaxResponseBytes };
        }

        private async Task<HttpResponseMessage?> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
        {
            var url = request.RequestUri!.GetLeftPart(UriPartial.Path);
            try
            {
                request.Headers.UserAgent.ParseAdd("Gatehouse-Probe/1");
                // Headers only: the body is never read, so its size does not matter.
                return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                Unreachable(url, $"{request.Method} failed: {(ex is OperationCanceledException ? "timed out" : ex.Message)}");
                return null;
            }
        }

        public async Task CheckBaseResponseAsync(HttpClient client, Uri url, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await SendAsync(client, request, ct);
            if (response is null) return;
            var path = url.GetLeftPart(UriPartial.Path);
            Remember(path, response);

            var hsts = Header(response, "Strict-Transport-Security");
            var maxAge = hsts is null ? (long?)null : MaxAge(hsts);
            if (maxAge is null || maxAge < HstsMinimum)
            {
                Add(ProbeRules.HstsMissing, path, hsts is null
                    ? "no Strict-Transport-Security header"
                    : $"Strict-Transport-Security max-age is {(maxAge is null ? "missing" : maxAge.Value.ToString(CultureInfo.InvariantCulture))}, below {HstsMinimum} (one year)");
                Checks.Add(new ProbeCheck("hsts", "fail", hsts));
            }
            else Checks.Add(new ProbeCheck("hsts", "pass", hsts));

            var missing = 0;
            if (string.IsNullOrWhiteSpace(Header(response, "Content-Security-Policy")))
            {
                Add(ProbeRules.HeaderMissing, path, "no Content-Security-Policy header", "Content-Security-Policy"); missing++;
            }
            if (!string.Equals(Header(response, "X-Content-Type-Options")?.Trim(), "nosniff", StringComparison.OrdinalIgnoreCase))
            {
                Add(ProbeRules.HeaderMissing, path, "X-Content-Type-Options is not \"nosniff\"", "X-Content-Type-Options"); missing++;
            }
            var referrer = Header(response, "Referrer-Policy");
            // The last policy a browser understands wins (W3C Referrer Policy §8.1); these are strict-origin-when-cross-origin or stricter.
            var lastPolicy = referrer?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.ToLowerInvariant();
            if (lastPolicy is not ("no-referrer" or "same-origin" or "strict-origin" or "strict-origin-when-cross-origin"))
            {
                Add(ProbeRules.HeaderMissing, path, referrer is null ? "no Referrer-Policy header" : $"Referrer-Policy \"{Clip(referrer)}\" is weaker than strict-origin-when-cross-origin", "Referrer-Policy"); missing++;
            }
            Checks.Add(new ProbeCheck("security-headers", missing == 0 ? "pass" : "fail"));
        }

        public async Task CheckEndpointAsync(HttpClient client, Uri url, string? credential, CancellationToken ct)
        {
            var path = url.GetLeftPart(UriPartial.Path);
            var status = await StatusAsync(client, url, null, ct);
            if (status is null) return;
            if (status < 400)
            {
                Add(ProbeRules.AuthNotEnforced, path, $"answered {status} to a request without credentials");
                Checks.Add(new ProbeCheck($"auth {path}", "fail", $"no credentials: {status}"));
                return; // forged tokens say nothing more about an endpoint that needs none
            }
            var now = options.TimeProvider.GetUtcNow();
            var forged = await StatusAsync(client, url, "Bearer " + Jwt.ForgedHs256(url, now), ct);
            if (forged is < 400) Add(ProbeRules.JwtForgedAccepted, path, $"answered {forged} to a JWT signed with a random HS256 key");
            var none = await StatusAsync(client, url, "Bearer " + Jwt.AlgNone(url, now), ct);
            if (none is < 400) Add(ProbeRules.JwtAlgNoneAccepted, path, $"answered {none} to an unsigned alg=none JWT");
            Checks.Add(new ProbeCheck($"auth {path}", forged is < 400 || none is < 400 ? "fail" : "pass",
                string.Create(CultureInfo.InvariantCulture, $"no credentials: {status}, forged HS256: {forged?.ToString(CultureInfo.InvariantCulture) ?? "-"}, alg=none: {none?.ToString(CultureInfo.InvariantCulture) ?? "-"}")));

            if (credential is null) return;
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Authorization", credential);
            using var response = await SendAsync(client, request, ct);
            if (response is null) return;
            Remember(path, response);
            var cache = response.Headers.CacheControl;
            if (cache is null || !cache.NoStore)
                Add(ProbeRules.HeaderMissing, path, $"an authenticated response ({(int)response.StatusCode}) has no Cache-Control: no-store", "Cache-Control");
            Checks.Add(new ProbeCheck($"cache-control {path}", cache is { NoStore: true } ? "pass" : "fail"));
        }

        private async Task<int?> StatusAsync(HttpClient client, Uri url, string? authorization, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await SendAsync(client, request, ct);
            if (response is null) return null;
            Remember(url.GetLeftPart(UriPartial.Path), response);
            return (int)response.StatusCode;
        }

        public async Task CheckWebhookAsync(HttpClient client, Uri url, CancellationToken ct)
        {
            var path = url.GetLeftPart(UriPartial.Path);
            var results = new List<string>();
            foreach (var signed in new[] { false, true })
            {
                var now = options.TimeProvider.GetUtcNow();
                var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                var delivery = "probe-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
                var body = $$"""{"id":"{{delivery}}","type":"app.installed","createdAt":"{{now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}","data":{"probe":true} """.TrimEnd() + "}";
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("Gatehouse-Event", "app.installed");
                request.Headers.Add("Gatehouse-Delivery", delivery);
                request.Headers.Add("Gatehouse-Timestamp", timestamp);
                if (signed)
                {
                    // docs/notifications.md: v1= hex HMAC-SHA256 over "{timestamp}.{body}", here with a key the app cannot know.
                    var mac = HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
                    request.Headers.Add("Gatehouse-Signature", "v1=" + Convert.ToHexStringLower(mac));
                }
                using var response = await SendAsync(client, request, ct);
                if (response is null) return;
                Remember(path, response);
                var status = (int)response.StatusCode;
                var kind = signed ? "a wrongly signed" : "an unsigned";
                results.Add(string.Create(CultureInfo.InvariantCulture, $"{(signed ? "wrong signature" : "unsigned")}: {status}"));
                if (status < 400) Add(ProbeRules.WebhookSignatureNotVerified, path, $"answered {status} to {kind} lifecycle webhook", signed ? "wrong" : "unsigned");
            }
            Checks.Add(new ProbeCheck($"webhook {path}", Findings.Any(f => f.RuleId == ProbeRules.WebhookSignatureNotVerified.Id) ? "fail" : "pass", string.Join(", ", results)));
        }

        private void Remember(string url, HttpResponseMessage response)
        {
            if (!response.Headers.TryGetValues("Set-Cookie", out var values)) return;
            foreach (var v in values.Take(50))
            {
                var name = v.Split('=', 2)[0].Trim();
                if (name.Length > 0) _cookies.TryAdd(name, (url, v));
            }
        }

        /// <summary>One finding per cookie name that lacks Secure, HttpOnly or SameSite.</summary>
        public void CollectCookies()
        {
            foreach (var (name, (url, header)) in _cookies.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                var attributes = header.Split(';', StringSplitOptions.TrimEntries).Skip(1)
                    .Select(a => a.Split('=', 2)[0].Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
                var missing = new[] { "Secure", "HttpOnly", "SameSite" }.Where(a => !attributes.Contains(a.ToLowerInvariant())).ToList();
                if (missing.Count > 0)
                    Add(ProbeRules.CookieFlags, url, $"cookie {Clip(name)} is set without {string.Join(", ", missing)}", name);
            }
            if (_cookies.Count > 0)
                Checks.Add(new ProbeCheck("cookies", Findings.Any(f => f.RuleId == ProbeRules.CookieFlags.Id) ? "fail" : "pass", $"{_cookies.Count} cookie(s)"));
        }

        private static string? Header(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var v) ? string.Join(", ", v) : null;

        private static long? MaxAge(string hsts)
        {
            foreach (var directive in hsts.Split(';', StringSplitOptions.TrimEntries))
            {
                var kv = directive.Split('=', 2, StringSplitOptions.TrimEntries);
                if (kv.Length == 2 && kv[0].Equals("max-age", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(kv[1].Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                    return seconds;
            }
            return null;
        }

        private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
    }

    /// <summary>Tokens no honest endpoint may accept.</summary>
    internal static class Jwt
    {
        public static string ForgedHs256(Uri audience, DateTimeOffset now)
        {
            var signingInput = Part("""{"alg":"HS256","typ":"JWT"}""") + "." + Part(Claims(audience, now));
            var mac = HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.ASCII.GetBytes(signingInput));
            return signingInput + "." + Base64Url(mac);
        }

        public static string AlgNone(Uri audience, DateTimeOffset now) =>
            Part("""{"alg":"none","typ":"JWT"}""") + "." + Part(Claims(audience, now)) + ".";

        private static string Claims(Uri audience, DateTimeOffset now)
        {
            var iat = now.ToUnixTimeSeconds();
            return string.Create(CultureInfo.InvariantCulture,
                $$"""{"sub":"gatehouse-probe","iss":"https://gatehouse.invalid","aud":"{{audience.GetLeftPart(UriPartial.Authority)}}","scope":"*","iat":{{iat}},"nbf":{{iat}},"exp":{{iat + 600}}""") + "}";
        }

        private static string Part(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
