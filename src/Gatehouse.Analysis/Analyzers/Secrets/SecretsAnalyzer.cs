using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Analyzers.Secrets;

/// <summary>
/// Finds credentials in every file (issue 3 §5, requirement GH-SEC-1): cloud keys, VCS and
/// registry tokens, payment keys, chat webhooks, private keys, JWTs, database URLs with passwords
/// and generic credential assignments. The rules are data (<c>rules/secrets/rules.json</c>).
/// Findings never carry the secret: evidence is redacted and the fingerprint hashes a SHA-256 of
/// the value (principle 8).
/// </summary>
/// <remarks>
/// Hostile input (principle 5): the file is streamed in 1 MiB windows that overlap by at least
/// 16 KiB, so huge single-line files cost memory for one window; regexes run on the linear-time
/// non-backtracking engine (groups are then read from the matched span alone, by the backtracking
/// engine under a timeout); each regex runs only on windows that contain one of its keywords; binary
/// files (a NUL in the first 8 KiB) are searched for private keys only; at most
/// <see cref="MaxFindingsPerFile"/> findings per file, and the last one says so.
/// </remarks>
public sealed class SecretsAnalyzer : IFileAnalyzer
{
    /// <summary>Reporting stops after this many findings in one file.</summary>
    public const int MaxFindingsPerFile = 100;

    private readonly SecretRuleSet _rules;

    public SecretsAnalyzer() : this(SecretRuleSet.Default)
    {
    }

    internal SecretsAnalyzer(SecretRuleSet rules) => _rules = rules;

    /// <summary>Every rule of the bundled rule set, for <c>gatehouse rules</c>, SARIF and docs.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules => SecretRuleSet.Default.Descriptors;

    public string Id => "secrets";

    public string Version => "1.1.0";

    public IReadOnlyList<RuleDescriptor> Rules => _rules.Descriptors;

    public async ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(context);
        var stream = file.Open();
        await using (stream.ConfigureAwait(false))
        {
            var scan = new SecretScan(_rules, file.Path, file.Name, finding => context.Report(finding with { AnalyzerId = Id }));
            await scan.RunAsync(stream, file.Length, ct).ConfigureAwait(false);
        }
    }
}
