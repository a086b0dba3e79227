using System.Security.Cryptography;
using System.Text;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Invitations;

/// <summary>What an acceptance came to.</summary>
public enum AcceptStatus
{
    Accepted,
    /// <summary>No open invitation for this user matches the token (unknown, used, revoked, expired or for another address).</summary>
    Invalid,
    /// <summary>A staff account accepting a vendor organisation's invitation that no admin issued.</summary>
    StaffNotAllowed,
}

/// <summary>The outcome of <see cref="InvitationService.AcceptAsync"/>.</summary>
public sealed record AcceptOutcome(AcceptStatus Status, Invitation? Invitation = null);

/// <summary>
/// The one implementation of invitations, for vendor organisations and for tenants: issue (e-mailed through the
/// outbox, the token stored as HMAC), accept (single use, by the signed-in user whose e-mail matches), revoke.
/// Issuing never looks the address up, so the answer is the same whether an account exists or not.
/// </summary>
public sealed class InvitationService(
    GatehouseDb db, ServerKeys keys, TimeProvider time, Notifier notifier, IDataProtectionProvider protection,
    UserManager<GatehouseUser> users, AuditLog audit, PublicUrl publicUrl, IOptions<InvitationOptions> options)
{
    /// <summary>Tokens carry this prefix, so secret scanners can find leaked ones.</summary>
    public const string TokenPrefix = "gatehouse_inv_";

    /// <summary>Checks an address enough to e-mail it; never whether an account has it.</summary>
    public static string? EmailProblem(string? email) =>
        string.IsNullOrWhiteSpace(email) || email.Length > 256 || email.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
        || !System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email
            ? "email must be one e-mail address (at most 256 characters)" : null;

    /// <summary>Pending invitations for one organisation or tenant.</summary>
    public Task<int> PendingCountAsync(string kind, Guid targetId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return db.Set<Invitation>().CountAsync(i => i.Kind == kind && i.TargetId == targetId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct);
    }

    /// <summary>
    /// Creates the invitation and queues its e-mail (with the token); returns the row and the clear token, which the
    /// caller shows nobody (the API answers without it). <paramref name="staffAllowed"/> is true only when an admin issues it.
    /// </summary>
    public async Task<(Invitation Invitation, string Token)> IssueAsync(string kind, Guid targetId, string targetName, string email, string role,
        string invitedBy, bool staffAllowed, AuditEvent audited, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audited);
        var now = time.GetUtcNow();
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var row = new Invitation
        {
            Id = Guid.CreateVersion7(now), Kind = kind, TargetId = targetId, Role = role, Email = email,
            NormalizedEmail = users.NormalizeEmail(email), TokenHmac = Hmac(token), InvitedBy = invitedBy, StaffAllowed = staffAllowed,
            CreatedAt = now, ExpiresAt = now + options.Value.Lifetime,
        };
        db.Set<Invitation>().Add(row);
        // The invitation, its e-mail and its audit entry commit together.
        await notifier.QueueEmailAsync(email, $"invitation.{kind}", new Dictionary<string, object?>
        {
            ["invitation"] = kind == InvitationKinds.Tenant ? $"administer the tenant {targetName}" : $"join the vendor organisation {targetName} as {role}",
            ["expiresAt"] = row.ExpiresAt,
            ["how"] = "sign in to Gatehouse with this e-mail address and open the link below (it works once)",
        }, AcceptLink(token), protection, ct);
        audit.Record(db, audited with { Subject = row.Id.ToString(), Data = new { kind, target = targetId, role, email, staffAllowed } });
        await db.SaveChangesAsync(ct);
        return (row, token);
    }

    /// <summary>The absolute console link that accepts, on the server's public URL (never the request's Host header).</summary>
    public string AcceptLink(string token) =>
        $"{publicUrl.Prefix}/console/invitations/accept?token={Uri.EscapeDataString(token)}";

    /// <summary>
    /// Accepts for <paramref name="userId"/>: the token must match an open invitation addressed to that user's
    /// e-mail. Membership (or tenant administration) and the invitation's use are written in one transaction, and
    /// the use is a conditional update, so a token works once even when presented twice at the same moment.
    /// </summary>
    public async Task<AcceptOutcome> AcceptAsync(string userId, string? token, AuditEvent audited, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audited);
        var user = await users.FindByIdAsync(userId);
        if (user?.NormalizedEmail is null || string.IsNullOrEmpty(token) || token.Length > 200) return new(AcceptStatus.Invalid);
        var hmac = Hmac(token);
        var now = time.GetUtcNow();
        var inv = await db.Set<Invitation>().AsNoTracking().FirstOrDefaultAsync(i => i.TokenHmac == hmac, ct);
        if (inv is null || inv.StatusAt(now) != "pending" || inv.NormalizedEmail != user.NormalizedEmail) return new(AcceptStatus.Invalid);
        if (inv.Kind == InvitationKinds.Organization && !inv.StaffAllowed
            && (await users.IsInRoleAsync(user, Roles.Reviewer) || await users.IsInRoleAsync(user, Roles.Admin)))
            return new(AcceptStatus.StaffNotAllowed, inv);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var used = await db.Set<Invitation>()
            .Where(i => i.Id == inv.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedBy, userId), ct);
        if (used != 1) return new(AcceptStatus.Invalid);
        if (inv.Kind == InvitationKinds.Organization)
        {
            var existing = await db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == inv.TargetId && m.UserId == userId, ct);
            if (existing is null)
                db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = inv.TargetId, UserId = userId, Role = inv.Role, AddedAt = now });
            else if (inv.Role == OrganizationRoles.Owner) existing.Role = OrganizationRoles.Owner; // never demotes
        }
        else if (!await TenantAdmin.IsAsync(db, inv.TargetId, userId, ct))
            db.Set<TenantAdmin>().Add(new TenantAdmin { TenantId = inv.TargetId, UserId = userId });
        // The audit entry is sealed in the same transaction (issue 14).
        audit.Record(db, audited with
        {
            Action = inv.Kind == InvitationKinds.Organization ? AuditActions.MemberAdded : AuditActions.TenantAdminAdded,
            OrganizationId = inv.Kind == InvitationKinds.Organization ? inv.TargetId.ToString() : null,
            Subject = userId,
            Data = new { invitation = inv.Id, inv.Role, tenant = inv.Kind == InvitationKinds.Tenant ? inv.TargetId : (Guid?)null, invitedBy = inv.InvitedBy },
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(AcceptStatus.Accepted, inv);
    }

    /// <summary>Revokes a pending invitation; false when it was no longer pending.</summary>
    public async Task<bool> RevokeAsync(Invitation inv, string by, AuditEvent audited, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inv);
        ArgumentNullException.ThrowIfNull(audited);
        var now = time.GetUtcNow();
        // The conditional update and its audit entry commit together (issue 14).
        return await db.InTransactionAsync(async () =>
        {
            var n = await db.Set<Invitation>().Where(i => i.Id == inv.Id && i.AcceptedAt == null && i.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now).SetProperty(i => i.RevokedBy, by), ct);
            if (n != 1) return false;
            audit.Record(db, audited with { Subject = inv.Id.ToString(), Data = new { inv.Kind, target = inv.TargetId, inv.Email } });
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
    }

    private string Hmac(string token) => Convert.ToHexStringLower(HMACSHA256.HashData(keys.TokenKey, Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>An invitation as the inviter sees it: never the token.</summary>
public sealed record InvitationInfo(Guid Id, string Kind, Guid TargetId, string Email, string Role, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? AcceptedAt, DateTimeOffset? RevokedAt)
{
    public static InvitationInfo From(Invitation i, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(i);
        return new(i.Id, i.Kind, i.TargetId, i.Email, i.Role, i.StatusAt(now), i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt);
    }
}
