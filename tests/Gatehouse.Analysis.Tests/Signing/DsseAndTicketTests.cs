using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Signing;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Analysis.Tests.Signing;

/// <summary>DSSE envelopes (PAE) and the in-toto approval ticket: signed, verified, and refused when anything differs.</summary>
public sealed class DsseAndTicketTests
{
    private static readonly string ArtifactSha = Convert.ToHexStringLower(SHA256.HashData("chart bytes"u8));

    private static ApprovalTicket Ticket() => ApprovalTicket.Create(
        new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 22, 0, 0, 123, TimeSpan.Zero)),
        "demo-1.2.3.tgz", ArtifactSha, "demo", "1.2.3", "sha256:" + new string('a', 64), "sha256:" + new string('b', 64));

    [Fact]
    public void PaeMatchesTheSpecExample()
    {
        // secure-systems-lab/dsse protocol.md test vector.
        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world",
            Encoding.UTF8.GetString(Dsse.Pae("http://example.com/HelloWorld", "hello world"u8)));
        Assert.Equal("DSSEv1 0  0 ", Encoding.UTF8.GetString(Dsse.Pae("", [])));
    }

    [Fact]
    public void EnvelopeVerifiesAndOpensslAgreesOnThePae()
    {
        using var signer = EcdsaP256Signer.Generate();
        var env = Dsse.Sign(signer, "text/plain", "hello"u8);
        Assert.True(Dsse.Verify(signer.PublicKey, env, "text/plain", out var payload).Valid);
        Assert.Equal("hello"u8.ToArray(), payload);
        var root = JsonDocument.Parse(env).RootElement;
        Assert.Equal(signer.KeyId, root.GetProperty("signatures")[0].GetProperty("keyid").GetString());

        using var tool = new Tool();
        var pub = tool.Write("k.pub", signer.PublicKey.ToPem());
        var pae = tool.Write("pae", Dsse.Pae("text/plain", "hello"u8));
        var sig = tool.Write("sig", Convert.FromBase64String(root.GetProperty("signatures")[0].GetProperty("sig").GetString()!));
        var r = tool.Run("openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig, pae);
        Assert.True(r.Exit == 0, r.Output);
    }

    [Fact]
    public void EnvelopeRefusesAnotherKeyTypeOrTamperedPayload()
    {
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var env = Dsse.Sign(signer, "text/plain", "hello"u8);
        Assert.Equal("dsse.signature-invalid", Dsse.Verify(other.PublicKey, env, "text/plain", out _).Code);
        Assert.Equal("dsse.wrong-payload-type", Dsse.Verify(signer.PublicKey, env, "text/other", out _).Code);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(env).Replace(Convert.ToBase64String("hello"u8), Convert.ToBase64String("hellp"u8)));
        Assert.Equal("dsse.signature-invalid", Dsse.Verify(signer.PublicKey, tampered, "text/plain", out _).Code);
        // Same payload, type changed in the envelope and the verifier: PAE binds the type.
        var retyped = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(env).Replace("text/plain", "text/plaim"));
        Assert.Equal("dsse.signature-invalid", Dsse.Verify(signer.PublicKey, retyped, "text/plaim", out _).Code);
        Assert.Equal("dsse.bad-envelope", Dsse.Verify(signer.PublicKey, "[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]"u8, "text/plain", out _).Code);
        Assert.Equal("dsse.bad-envelope", Dsse.Verify(signer.PublicKey, "{}"u8, "text/plain", out _).Code);
    }

    [Fact]
    public void TicketIsAnInTotoStatementAndRoundTrips()
    {
        using var signer = EcdsaP256Signer.Generate();
        var ticket = Ticket();
        var statement = JsonDocument.Parse(ticket.ToStatement()).RootElement;
        Assert.Equal("https://in-toto.io/Statement/v1", statement.GetProperty("_type").GetString());
        Assert.Equal(ApprovalTicket.PredicateType, statement.GetProperty("predicateType").GetString());
        Assert.Equal(ArtifactSha, statement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString());
        Assert.Equal("2026-12-05T22:00:00Z", statement.GetProperty("predicate").GetProperty("approvedAt").GetString());

        var env = ticket.Sign(signer);
        var check = ApprovalTicket.Verify(signer.PublicKey, env, ArtifactSha, out var back);
        Assert.True(check.Valid, check.Reason);
        Assert.Equal(ticket, back);
    }

    [Fact]
    public void TicketRefusesAnotherDigestKeyOrTamperedStatement()
    {
        using var signer = EcdsaP256Signer.Generate();
        using var other = EcdsaP256Signer.Generate();
        var env = Ticket().Sign(signer);
        var otherSha = Convert.ToHexStringLower(SHA256.HashData("other bytes"u8));
        Assert.Equal("ticket.digest-mismatch", ApprovalTicket.Verify(signer.PublicKey, env, otherSha, out _).Code);
        Assert.Equal("dsse.signature-invalid", ApprovalTicket.Verify(other.PublicKey, env, ArtifactSha, out _).Code);
        // Re-point the statement at another artifact without re-signing.
        var forged = (Ticket() with { ArtifactSha256 = otherSha }).ToStatement();
        var root = JsonDocument.Parse(env).RootElement;
        var swapped = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(env).Replace(root.GetProperty("payload").GetString()!, Convert.ToBase64String(forged)));
        Assert.Equal("dsse.signature-invalid", ApprovalTicket.Verify(signer.PublicKey, swapped, otherSha, out _).Code);
        // A DSSE envelope of another statement type, validly signed, is not a ticket.
        var notTicket = Dsse.Sign(signer, Dsse.InTotoPayloadType, "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],\"predicateType\":\"x\",\"predicate\":{}}"u8);
        Assert.Equal("ticket.wrong-type", ApprovalTicket.Verify(signer.PublicKey, notTicket, ArtifactSha, out _).Code);
    }
}
