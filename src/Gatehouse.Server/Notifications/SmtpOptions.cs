using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Notifications;

/// <summary>Settings of section <c>Notifications:Smtp</c>. Without <see cref="Host"/>, e-mail is written to files.</summary>
public sealed class SmtpOptions
{
    /// <summary>SMTP server; unset: each message is written as an <c>.eml</c> file to <c>{DataDirectory}/mail/</c>.</summary>
    public string? Host { get; set; }

    /// <summary>Default 587 (submission with STARTTLS). 465 means TLS from the first byte.</summary>
    [Range(1, 65535, ErrorMessage = "Notifications:Smtp:Port must be a TCP port")]
    public int Port { get; set; } = 587;

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Sender address, e.g. <c>Gatehouse &lt;gatehouse@example.com&gt;</c>.</summary>
    [CustomValidation(typeof(SmtpOptions), nameof(ValidateFrom))]
    public string From { get; set; } = "Gatehouse <gatehouse@localhost>";

    /// <summary>Require STARTTLS (default true). False: a plain connection, only for a relay on the same machine or network.</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>The rule on <see cref="From"/>: an e-mail address.</summary>
    public static ValidationResult? ValidateFrom(string? from) =>
        from is not null && MimeKit.MailboxAddress.TryParse(from, out _)
            ? ValidationResult.Success
            : new ValidationResult("Notifications:Smtp:From must be an e-mail address");
}
