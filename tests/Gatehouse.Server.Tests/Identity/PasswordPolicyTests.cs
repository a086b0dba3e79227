using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Identity;

/// <summary>NIST SP 800-63B password checks: the breached list, repetitions, runs, the user's own e-mail.</summary>
public sealed class PasswordPolicyTests
{
    private static IEnumerable<string> CodesFor(string password, string? email = "alice.smith@example.test") =>
        CommonPasswordValidator.Check(password, email, 12).Select(r => r.Code);

    [Theory]
    [InlineData("aaaaaaaaaaaa", CommonPasswordValidator.RepetitiveCode)]
    [InlineData("abcabcabcabc", CommonPasswordValidator.RepetitiveCode)]
    [InlineData("passwordpassword", CommonPasswordValidator.RepetitiveCode)]
    [InlineData("123456789012", CommonPasswordValidator.SequentialCode)]
    [InlineData("abcdefghijklm", CommonPasswordValidator.SequentialCode)]
    [InlineData("ZYXWVUTSRQPO", CommonPasswordValidator.SequentialCode)]
    [InlineData("qwertyuiopqw", CommonPasswordValidator.SequentialCode)]
    [InlineData("abababababab", CommonPasswordValidator.FewCharactersCode)]
    [InlineData("manchesterunited", CommonPasswordValidator.CommonCode)]
    [InlineData("ManchesterUnited", CommonPasswordValidator.CommonCode)] // case-insensitive
    [InlineData("  iloveyou1234 ", CommonPasswordValidator.CommonCode)]
    [InlineData("superman123456", CommonPasswordValidator.CommonCode)] // a listed word with digits at the end
    [InlineData("alice.smith@example.test", CommonPasswordValidator.ContextCode)]
    [InlineData("alice.smith-2024", CommonPasswordValidator.ContextCode)]
    [InlineData("gatehouse-2024!", CommonPasswordValidator.ContextCode)]
    public void A_trivial_or_listed_password_is_refused_with_its_reason(string password, string code) =>
        Assert.Contains(code, CodesFor(password));

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("test-admin-password-1")] // the test hosts' bootstrap admin
    [InlineData("a-long-enough-password")] // the test users'
    [InlineData("correct horse battery")]
    [InlineData("Kaffee und Kuchen um vier")]
    public void A_good_passphrase_is_accepted(string password) =>
        Assert.Empty(CodesFor(password, "admin@gatehouse.test"));

    [Fact]
    public void Generated_passwords_pass_and_the_list_is_shipped()
    {
        Assert.True(CommonPasswordValidator.ListSize > 50_000);
        for (var i = 0; i < 200; i++) Assert.Empty(CodesFor(UsersApi.GeneratePassword()));
    }

    [Fact]
    public async Task Every_way_of_setting_a_password_refuses_a_weak_one_and_says_why()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        var admin = await app.AdminAsync(); // the bootstrap admin's password passed the same validator
        var (token, _) = await app.IssueTokenAsync(admin.Id);
        using var client = app.ClientWith(token);
        foreach (var (password, reason) in new[] { ("aaaaaaaaaaaa", "repeated"), ("manchesterunited", "breaches") })
        {
            var r = await client.PostAsJsonAsync("/api/users", new { email = $"weak-{Guid.NewGuid():N}@example.test", role = Roles.Developer, password });
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            var body = await r.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("request.invalid", body.GetProperty("code").GetString());
            Assert.Contains(reason, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        var good = await client.PostAsJsonAsync("/api/users", new { email = $"good-{Guid.NewGuid():N}@example.test", role = Roles.Developer, password = "violet lantern under the bridge" });
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }
}
