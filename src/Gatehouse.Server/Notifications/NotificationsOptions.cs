using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>Settings of section <c>Notifications</c> (docs/notifications.md#configuration).</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>Attempts per message before it is <c>dead</c> (default 6: the first and five retries).</summary>
    [Range(1, 50, ErrorMessage = "Notifications:MaxAttempts must be between 1 and 50")]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>How often the worker looks for due messages (default 1 minute; new messages also wake it).</summary>
    [Range(typeof(TimeSpan), "00:00:00", OptionLimits.MaxTimeSpan, MinimumIsExclusive = true, ErrorMessage = "Notifications:DispatchInterval must be positive")]
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one worker's claim on a message lasts; after that another worker may attempt it (default 2 minutes).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most messages one dispatch pass attempts (default 200); the rest wait for the next pass.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Notifications:BatchSize must be positive")]
    public int BatchSize { get; set; } = 200;

    /// <summary>Messages attempted side by side in one pass (default 4).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Notifications:Concurrency must be positive")]
    public int Concurrency { get; set; } = 4;

    /// <summary>Time allowed for one webhook call, from connecting to the response headers (default 10 seconds).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", MinimumIsExclusive = true, ErrorMessage = "Notifications:WebhookTimeout must be between 0 and 5 minutes")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Allow <c>http://</c> webhook URLs (development and tests only; default false: https only).</summary>
    public bool AllowHttpWebhooks { get; set; }

    /// <summary>
    /// Comma-separated host names, IP addresses or networks (CIDR) that webhooks may reach although they
    /// are private, loopback or link-local (default none). Public addresses need no entry.
    /// </summary>
    [CustomValidation(typeof(NotificationsOptions), nameof(ValidateAllowedWebhookHosts))]
    public string? AllowedWebhookHosts { get; set; }

    /// <summary>Most webhook endpoints per organisation (default 10).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Notifications:MaxWebhooksPerOrganization must be positive")]
    public int MaxWebhooksPerOrganization { get; set; } = 10;

    [ValidateObjectMembers]
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Where e-mail is written as <c>.eml</c> files when no SMTP host is set (default <c>{DataDirectory}/mail</c>).</summary>
    public string? MailDirectory { get; set; }

    /// <summary>The rule on <see cref="AllowedWebhookHosts"/>: every entry parses.</summary>
    public static ValidationResult? ValidateAllowedWebhookHosts(string? hosts) =>
        new NotificationsOptions { AllowedWebhookHosts = hosts }.ParseAllowList() is not null
            ? ValidationResult.Success
            : new ValidationResult("Notifications:AllowedWebhookHosts must list host names, IP addresses or CIDR networks, separated by commas");

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
