using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Server.Identity;

/// <summary>
/// NIST SP 800-63B §5.1.1.2: a new password is compared against values known to be commonly used, expected or
/// compromised, and refused with the reason. Checked: the breached-password list shipped in
/// <c>rules/passwords</c>, also with the digits and symbols at its ends stripped (<c>superman1234</c>); a
/// repetition of a string shorter than the minimum length (<c>aaaaaaaaaaaa</c>, <c>abcabcabcabc</c>); a run of
/// the alphabet, the digits or a keyboard row, either way (<c>123456789012</c>, <c>qwertyuiopas</c>); fewer than
/// four different characters; and context-specific words: the user's e-mail address or its local part, and the
/// service's name. No composition rules (§5.1.1.2 says not to impose them). Registered as an Identity password
/// validator, so every way a password is set (API, bootstrap admin, demo users) goes through it.
/// </summary>
internal sealed class CommonPasswordValidator : IPasswordValidator<GatehouseUser>
{
    public const string CommonCode = "PasswordCommon";
    public const string RepetitiveCode = "PasswordRepetitive";
    public const string SequentialCode = "PasswordSequential";
    public const string FewCharactersCode = "PasswordFewDistinctCharacters";
    public const string ContextCode = "PasswordContextSpecific";

    private const int MinimumDistinct = 4;
    private const string ResourceName = "Gatehouse.Rules.Passwords.common-passwords.txt.gz";

    // Cyclic runs people type: the digits (…8901…), the alphabet, and the keyboard rows.
    private static readonly string[] Runs = ["0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
    private static readonly string[] ServiceWords = ["gatehouse"];

    private static readonly Lazy<HashSet<string>> List = new(LoadList, LazyThreadSafetyMode.ExecutionAndPublication);

    public Task<IdentityResult> ValidateAsync(UserManager<GatehouseUser> manager, GatehouseUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(manager);
        var minimum = manager.Options.Password.RequiredLength;
        var errors = Check(password ?? "", user?.Email ?? user?.UserName, minimum)
            .Select(r => new IdentityError { Code = r.Code, Description = r.Description }).ToArray();
        return Task.FromResult(errors.Length == 0 ? IdentityResult.Success : IdentityResult.Failed(errors));
    }

    /// <summary>The reasons <paramref name="password"/> is refused (empty: accepted). Pure, for unit tests.</summary>
    public static IReadOnlyList<(string Code, string Description)> Check(string password, string? email, int minimumLength)
    {
        ArgumentNullException.ThrowIfNull(password);
        var p = Normalize(password);
        var reasons = new List<(string, string)>();
        if (p.Length == 0) return reasons; // the length rule speaks for an empty password

        var core = p.Trim("0123456789!@#$%^&*()-_=+.,;:?/\\|'\"`~[]{}<> ".ToCharArray());
        if (List.Value.Contains(p) || (core.Length >= 4 && List.Value.Contains(core)))
            reasons.Add((CommonCode, "It is on a list of passwords that are common or known from breaches."));
        if (RepeatedUnit(p) is { } unit && unit.Length < minimumLength)
            reasons.Add((RepetitiveCode, "It is a short sequence of characters repeated."));
        if (IsRun(p))
            reasons.Add((SequentialCode, "It is a run of consecutive characters (like 123456789012 or abcdefghijkl)."));
        if (p.EnumerateRunes().Distinct().Count() < MinimumDistinct)
            reasons.Add((FewCharactersCode, $"It has fewer than {MinimumDistinct} different characters."));
        if (ContainsContext(p, email))
            reasons.Add((ContextCode, "It is mostly your e-mail address, your user name or the service's name."));
        return reasons;
    }

    /// <summary>NFKC and lower case (NIST SP 800-63B §5.1.1.2 normalisation; the list is compared case-insensitively).</summary>
    public static string Normalize(string s) =>
        (s ?? "").Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();

    /// <summary>The shortest string that, repeated twice or more, makes up <paramref name="p"/>; null if none.</summary>
    private static string? RepeatedUnit(string p)
    {
        for (var n = 1; n <= p.Length / 2; n++)
        {
            if (p.Length % n != 0) continue;
            var ok = true;
            for (var i = n; i < p.Length && ok; i++) ok = p[i] == p[i - n];
            if (ok) return p[..n];
        }
        return null;
    }

    /// <summary>Every character follows the previous one in one of the cyclic runs, the same way throughout.</summary>
    private static bool IsRun(string p)
    {
        if (p.Length < 3) return false;
        foreach (var run in Runs)
            foreach (var step in new[] { 1, -1 })
            {
                var ok = true;
                for (var i = 1; i < p.Length && ok; i++)
                {
                    var a = run.IndexOf(p[i - 1], StringComparison.Ordinal);
                    var b = run.IndexOf(p[i], StringComparison.Ordinal);
                    ok = a >= 0 && b >= 0 && (a + step + run.Length) % run.Length == b;
                }
                if (ok) return true;
            }
        return false;
    }

    /// <summary>
    /// The e-mail address anywhere in the password, or its local part or the service's name making up at least
    /// half of it (so <c>alice.smith-2024</c> for alice.smith@… is refused, <c>a-long-admin-passphrase</c> for admin@… is not).
    /// </summary>
    private static bool ContainsContext(string p, string? email)
    {
        var words = new List<string>(ServiceWords);
        if (!string.IsNullOrWhiteSpace(email))
        {
            var e = Normalize(email);
            if (p.Contains(e, StringComparison.Ordinal)) return true;
            var at = e.IndexOf('@', StringComparison.Ordinal);
            if (at > 0) words.Add(e[..at]);
        }
        return words.Any(w => w.Length >= 3 && p.Contains(w, StringComparison.Ordinal) && w.Length * 2 >= p.Length);
    }

    private static HashSet<string> LoadList()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The common-password list ({ResourceName}) is not embedded.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var entry = Normalize(line);
            if (entry.Length > 0) set.Add(entry);
        }
        return set;
    }

    /// <summary>How many entries the shipped list has (for the health of the build: an empty list would pass everything).</summary>
    public static int ListSize => List.Value.Count;
}
