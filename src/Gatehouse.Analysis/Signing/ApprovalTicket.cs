using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Signing;

/// <summary>
/// The approval ticket: an in-toto Statement v1 in a DSSE envelope saying that artifact <see cref="ArtifactName"/>
/// with SHA-256 <see cref="ArtifactSha256"/> of app <see cref="App"/> version <see cref="Version"/> passed Gatehouse
/// review at <see cref="ApprovedAt"/> under the policy with digest <see cref="PolicyDigest"/>, with the report whose
/// digest is <see cref="ReportDigest"/>. Like a notarization ticket, it is served with the artifact.
/// </summary>
public sealed partial record ApprovalTicket(
    string ArtifactName, string ArtifactSha256, string App, string Version, DateTimeOffset ApprovedAt, string PolicyDigest, string ReportDigest)
{
    /// <summary>The in-toto Statement type.</summary>
    public const string StatementType = "https://in-toto.io/Statement/v1";

    /// <summary>Our predicate type (a URI of our own; in-toto asks for a versioned URI the producer controls).</summary>
    public const string PredicateType = "https://gatehouse.dev/attestations/approval/v1";

    /// <summary>A ticket for an approval happening now (time from <paramref name="time"/>, truncated to seconds).</summary>
    public static ApprovalTicket Create(TimeProvider time, string artifactName, string artifactSha256, string app, string version, string policyDigest, string reportDigest)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return new ApprovalTicket(artifactName, artifactSha256, app, version,
            new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero), policyDigest, reportDigest);
    }

    /// <summary>The Statement JSON (the DSSE payload).</summary>
    public byte[] ToStatement()
    {
        if (!Hex64().IsMatch(ArtifactSha256 ?? "")) throw new SigningFormatException("signing.bad-digest", "artifact digest must be 64 lowercase hex");
        ArgumentException.ThrowIfNullOrEmpty(ArtifactName);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Dsse.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("_type", StatementType);
            w.WriteStartArray("subject");
            w.WriteStartObject();
            w.WriteString("name", ArtifactName);
            w.WriteStartObject("digest");
            w.WriteString("sha256", ArtifactSha256);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("predicateType", PredicateType);
            w.WriteStartObject("predicate");
            w.WriteString("app", App);
            w.WriteString("version", Version);
            w.WriteString("approvedAt", ApprovedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteString("policyDigest", PolicyDigest);
            w.WriteString("reportDigest", ReportDigest);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Signs the ticket: a DSSE envelope (JSON bytes) over <see cref="ToStatement"/>.</summary>
    public byte[] Sign(ISigner signer) => Dsse.Sign(signer, Dsse.InTotoPayloadType, ToStatement());

    /// <summary>
    /// Verifies a ticket envelope with <paramref name="key"/> and checks that it approves the artifact with SHA-256
    /// <paramref name="expectedSha256"/> (hex). On success <paramref name="ticket"/> holds the signed claims.
    /// </summary>
    public static SignatureCheck Verify(PublicKey key, ReadOnlySpan<byte> envelope, string expectedSha256, out ApprovalTicket? ticket)
    {
        ticket = null;
        var check = Dsse.Verify(key, envelope, Dsse.InTotoPayloadType, out var payload);
        if (!check.Valid) return check;
        try
        {
            using var doc = StrictJson.Parse(payload, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.GetProperty("_type").GetString() != StatementType || root.GetProperty("predicateType").GetString() != PredicateType)
                return SignatureCheck.Fail("ticket.wrong-type", "not a Gatehouse approval statement");
            var subjects = root.GetProperty("subject");
            if (subjects.GetArrayLength() != 1) return SignatureCheck.Fail("ticket.bad-subject", "a ticket names exactly one artifact");
            var subject = subjects[0];
            var sha = subject.GetProperty("digest").GetProperty("sha256").GetString();
            if (!string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
                return SignatureCheck.Fail("ticket.digest-mismatch", $"ticket approves sha256:{sha}, not sha256:{expectedSha256}");
            var p = root.GetProperty("predicate");
            // Every claim a string and the time a time: a signed statement with a null or a number where a claim belongs is
            // not a ticket (TryParse: Parse throws ArgumentOutOfRangeException for an offset that leaves year 1 to 9999).
            if (!DateTimeOffset.TryParse(Text(p, "approvedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var approvedAt))
                return SignatureCheck.Fail("ticket.bad-statement", "the approval time is not a time");
            ticket = new ApprovalTicket(Text(subject, "name"), Text(subject.GetProperty("digest"), "sha256"), Text(p, "app"), Text(p, "version"),
                approvedAt, Text(p, "policyDigest"), Text(p, "reportDigest"));
            return SignatureCheck.Ok;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return SignatureCheck.Fail("ticket.bad-statement", "the signed statement is not an approval ticket");
        }
    }

    // A string member; KeyNotFoundException when it is missing, InvalidOperationException when it is no string (both refusals).
    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new InvalidOperationException($"{name} is null");

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hex64();
}
