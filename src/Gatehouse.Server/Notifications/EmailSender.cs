using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Gatehouse.Server.Notifications;

/// <summary>
/// Sends notification e-mail: through SMTP (MailKit) when <c>Notifications:Smtp:Host</c> is set,
/// otherwise writes each message as an <c>.eml</c> file to <c>{DataDirectory}/mail/</c>.
/// Messages are plain text built from the envelope; nothing in them is a secret.
/// </summary>
internal sealed class EmailSender(IOptions<NotificationsOptions> options, ILogger<EmailSender> logger,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection, Data.Scratch.ScratchSpace scratch)
{
    /// <summary>Where messages go without SMTP.</summary>
    public string MailDirectory => options.Value.MailDirectory!;

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(options.Value.Smtp.Host);

    public async Task<DeliveryResult> SendAsync(Guid deliveryId, string to, string envelopeJson, CancellationToken ct)
    {
        MimeMessage message;
        try
        {
            var secrets = protection.CreateProtector(Notifier.EmailSecretPurpose);
            message = Build(deliveryId, to, envelopeJson, options.Value.Smtp.From, s => Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Unprotect(secrets, s));
        }
        catch (ParseException ex)
        {
            return DeliveryResult.Failed($"invalid address: {ex.Message}", permanent: true);
        }
        try
        {
            if (UsesSmtp) await SendSmtpAsync(message, ct);
            else await WriteFileAsync(deliveryId, message, ct);
            return DeliveryResult.Ok;
        }
        catch (Exception ex) when (ex is IOException or SmtpCommandException or SmtpProtocolException or AuthenticationException
                                      or System.Net.Sockets.SocketException or SslHandshakeException or ServiceNotConnectedException
                                      or ServiceNotAuthenticatedException or UnauthorizedAccessException or TimeoutException)
        {
            return DeliveryResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task SendSmtpAsync(MimeMessage message, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient { Timeout = 30_000 };
        var security = smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
            : smtp.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(smtp.Username))
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    private async Task WriteFileAsync(Guid deliveryId, MimeMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(MailDirectory);
        var path = Path.Combine(MailDirectory, $"{deliveryId:N}.eml");
        // Written in this process's private scratch folder (0700, the file 0600: an invitation's link is in it), then
        // renamed into place: a reader never sees half a message, a retry replaces it, and what a killed process was
        // writing is swept with its scratch at the next start (issue 14), never left beside the messages.
        using (var folder = scratch.CreateFolder("mail"))
        {
            var temp = folder.File("message.eml");
            await using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write,
                UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await message.WriteToAsync(stream, ct);
                await stream.FlushAsync(ct);
            }
            File.Move(temp, path, overwrite: true);
        }
        logger.LogInformation("E-mail {Delivery} written to {Path} (no SMTP server configured)", deliveryId, path);
    }

    /// <summary>Subject and body from the envelope: the event type, then one line per top-level data field.</summary>
    /// <remarks>
    /// A data field whose name ends in <c>Protected</c> holds a secret encrypted for the outbox (an invitation link):
    /// it is decrypted with <paramref name="unprotect"/> and printed under the name without the suffix.
    /// </remarks>
    internal static MimeMessage Build(Guid deliveryId, string to, string envelopeJson, string from, Func<string, string>? unprotect = null)
    {
        using var doc = JsonDocument.Parse(envelopeJson);
        var root = doc.RootElement;
        var type = root.GetProperty("type").GetString() ?? "notification";
        var body = new StringBuilder();
        body.Append("Gatehouse notification: ").AppendLine(type).AppendLine();
        if (root.TryGetProperty("organizationId", out var org) && org.ValueKind == JsonValueKind.String)
            body.Append("organization: ").AppendLine(org.GetString());
        body.Append("at: ").AppendLine(root.GetProperty("createdAt").ToString());
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            body.AppendLine();
            foreach (var p in data.EnumerateObject())
            {
                if (p.Name.EndsWith("Protected", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.String)
                {
                    string clear;
                    try { clear = unprotect?.Invoke(p.Value.GetString()!) ?? "(unavailable)"; }
                    catch (System.Security.Cryptography.CryptographicException) { clear = "(unavailable: the server's keys changed)"; }
                    body.Append(p.Name[..^"Protected".Length]).Append(": ").AppendLine(clear);
                    continue;
                }
                var value = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Null => "-",
                    _ => p.Value.GetRawText(),
                };
                body.Append(p.Name).Append(": ").AppendLine(value);
            }
        }
        body.AppendLine().Append("Event id: ").AppendLine(root.GetProperty("id").ToString());

        var message = new MimeMessage { Subject = $"[Gatehouse] {type}", MessageId = $"{deliveryId:N}@gatehouse" };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Headers.Add("X-Gatehouse-Event", type);
        message.Body = new TextPart("plain") { Text = body.ToString() };
        return message;
    }
}
