using System.Net;

namespace Gatehouse.Server.Notifications;

/// <summary>Settings of section <c>Notifications</c> (docs/notifications.md#configuration).</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>Attempts per message before it is <c>dead</c> (default 6: the first and five retries).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>How often the worker looks for due messages (default 1 minute; new messages also wake it).</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one worker's claim on a message lasts; after that another worker may attempt it (default 2 minutes).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most messages one dispatch pass attempts (default 200); the rest wait for the next pass.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Messages attempted side by side in one pass (default 4).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Time allowed for one webhook call, from connecting to the response headers (default 10 seconds).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Allow <c>http://</c> webhook URLs (development and tests only; default false: https only).</summary>
    public bool AllowHttpWebhooks { get; set; }

    /// <summary>
    /// Comma-separated host names, IP addresses or networks (CIDR) that webhooks may reach although they
    /// are private, loopback or link-local (default none). Public addresses need no entry.
    /// </summary>
    public string? AllowedWebhookHosts { get; set; }

    /// <summary>Most webhook endpoints per organisation (default 10).</summary>
    public int MaxWebhooksPerOrganization { get; set; } = 10;

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Where e-mail is written as <c>.eml</c> files when no SMTP host is set (default <c>{DataDirectory}/mail</c>).</summary>
    public string? MailDirectory { get; set; }

    /// <summary>The parsed <see cref="AllowedWebhookHosts"/>; null when an entry does not parse.</summary>
    internal (HashSet<string> Hosts, List<IPNetwork> Networks)? ParseAllowList()
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var networks = new List<IPNetwork>();
        foreach (var entry in (AllowedWebhookHosts ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (!IPNetwork.TryParse(entry, out var net)) return null;
                networks.Add(net);
            }
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var ip))
                networks.Add(new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns)
                hosts.Add(entry.TrimEnd('.'));
            else return null;
        }
        return (hosts, networks);
    }
}

/// <summary>Settings of section <c>Notifications:Smtp</c>. Without <see cref="Host"/>, e-mail is written to files.</summary>
public sealed class SmtpOptions
{
    /// <summary>SMTP server; unset: each message is written as an <c>.eml</c> file to <c>{DataDirectory}/mail/</c>.</summary>
    public string? Host { get; set; }

    /// <summary>Default 587 (submission with STARTTLS). 465 means TLS from the first byte.</summary>
    public int Port { get; set; } = 587;

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Sender address, e.g. <c>Gatehouse &lt;gatehouse@example.com&gt;</c>.</summary>
    public string From { get; set; } = "Gatehouse <gatehouse@localhost>";

    /// <summary>Require STARTTLS (default true). False: a plain connection, only for a relay on the same machine or network.</summary>
    public bool StartTls { get; set; } = true;
}
