using System.Security.Cryptography;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Identity;

/// <summary>User administration (admins only): create users, change roles.</summary>
internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        g.MapGet("/", List).WithName("ListUsers").WithSummary("List the users of this Gatehouse.");
        g.MapPost("/", Create).WithName("CreateUser").WithSummary("Create a user.");
        g.MapPut("/{userId}/roles", SetRoles).WithName("SetUserRoles").WithSummary("Set a user's roles.");
        return app;
    }

    public static async Task<Ok<List<UserInfo>>> List(UserManager<GatehouseUser> users, CancellationToken ct)
    {
        var all = await users.Users.OrderBy(u => u.Email).ToListAsync(ct);
        var result = new List<UserInfo>(all.Count);
        foreach (var u in all)
            result.Add(new UserInfo(u.Id, u.Email ?? "", u.DisplayName, (await users.GetRolesAsync(u)).Order().ToList()));
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Created<CreatedUser>, ProblemHttpResult>> Create(
        CreateUserRequest request, HttpContext http, UserManager<GatehouseUser> users, GatehouseDb db, AuditLog audit, TimeProvider time)
    {
        if (!Roles.All.Contains(request.Role)) return Problems.Invalid($"role must be one of: {string.Join(", ", Roles.All)}");
        var generated = string.IsNullOrEmpty(request.Password);
        var password = generated ? GeneratePassword() : request.Password!;
        var user = new GatehouseUser { UserName = request.Email, Email = request.Email, DisplayName = request.DisplayName, CreatedAt = time.GetUtcNow() };
        // Identity's stores save through this request's GatehouseDb: the user, the role and the audit entry commit together (issue 14).
        var created = await db.InTransactionAsync(async () =>
        {
            var result = await users.CreateAsync(user, password);
            if (!result.Succeeded) return result;
            await users.AddToRoleAsync(user, request.Role);
            audit.Record(db, AuditEvent.By(http, AuditActions.UserCreated, subject: user.Id,
                data: new { email = user.Email, role = request.Role }));
            await db.SaveChangesAsync(http.RequestAborted);
            return result;
        }, http.RequestAborted);
        if (!created.Succeeded) return Problems.Invalid(string.Join("; ", created.Errors.Select(e => e.Description)));
        return TypedResults.Created($"/api/users/{user.Id}",
            new CreatedUser(user.Id, user.Email!, [request.Role], generated ? password : null));
    }

    public static async Task<Results<Ok<UserInfo>, ProblemHttpResult>> SetRoles(
        string userId, SetRolesRequest request, HttpContext http, UserManager<GatehouseUser> users, GatehouseDb db, AuditLog audit)
    {
        // A body without "roles" binds to null (the security suite's authorization matrix found the 500).
        if (request.Roles is null) return Problems.Invalid("roles is required");
        var wanted = request.Roles.Distinct(StringComparer.Ordinal).ToList();
        var unknown = wanted.Except(Roles.All).ToList();
        if (unknown.Count > 0) return Problems.Invalid($"unknown roles: {string.Join(", ", unknown)}");
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Problems.NotFound("User");
        if (user.Id == http.User.Id() && !wanted.Contains(Roles.Admin))
            return Problems.Conflict("you cannot remove your own admin role; ask another admin");
        var current = await users.GetRolesAsync(user);
        // The role changes, the new security stamp and the audit entry commit together (issue 14).
        await db.InTransactionAsync(async () =>
        {
            await users.RemoveFromRolesAsync(user, current.Except(wanted));
            await users.AddToRolesAsync(user, wanted.Except(current));
            // Open sessions pick up the change at their next validation.
            await users.UpdateSecurityStampAsync(user);
            audit.Record(db, AuditEvent.By(http, AuditActions.UserRolesChanged, subject: user.Id,
                data: new { from = current.Order().ToList(), to = wanted.Order().ToList() }));
            await db.SaveChangesAsync(http.RequestAborted);
        }, http.RequestAborted);
        return TypedResults.Ok(new UserInfo(user.Id, user.Email ?? "", user.DisplayName, wanted.Order().ToList()));
    }

    /// <summary>24 characters from a 62-letter alphabet: about 143 bits.</summary>
    internal static string GeneratePassword() =>
        RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 24);
}

internal sealed record CreateUserRequest(string Email, string Role, string? Password, string? DisplayName);
internal sealed record CreatedUser(string Id, string Email, IReadOnlyList<string> Roles, string? GeneratedPassword);
internal sealed record SetRolesRequest(IReadOnlyList<string> Roles);
internal sealed record UserInfo(string Id, string Email, string? DisplayName, IReadOnlyList<string> Roles);
