using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Analyzers.Secrets;
using static Gatehouse.Analysis.Tests.Charts.Rules.Manifests;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

public sealed class ManifestSecretRulesTests
{
    private static string WithEnv(string env) => Deployment($"containers:\n  - name: app\n    image: registry.example/app:1\n    env:\n{Indent(env, 6)}");

    [Fact]
    public void A_token_in_a_literal_env_value_is_reported_by_the_engines_secret_rule_without_the_secret()
    {
        var token = TestKeys.Crc32Token("gh" + "p_", "chart-env");
        var f = Assert.Single(Check(WithEnv($"- name: GITHUB_TOKEN\n  value: {token}"), "k8s.secret-in-env"));
        Assert.Equal("spec.template.spec.containers[app].env[GITHUB_TOKEN].value", f.Field);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.StartsWith("secret.github-pat: ghp_", f.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(token, f.Evidence + f.Message, StringComparison.Ordinal);
        Assert.Contains("secretKeyRef", f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DB_PASSWORD", "hunter2-prod")]
    [InlineData("SECRET_KEY_BASE", "s3cr3t")]
    [InlineData("ADMIN_PWD", "Winter2026")]
    public void A_credential_name_with_a_real_value_is_medium_and_redacted(string name, string value)
    {
        var f = Assert.Single(Check(WithEnv($"- name: {name}\n  value: {value}"), "k8s.secret-in-env"));
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Equal($"{name}=[redacted]", f.Evidence);
        Assert.DoesNotContain(value, f.Evidence + f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- name: DB_PASSWORD\n  value: changeme")]
    [InlineData("- name: DB_PASSWORD\n  value: ''")]
    [InlineData("- name: DB_PASSWORD_FILE\n  value: /run/secrets/db")]
    [InlineData("- name: DB_PASSWORD\n  valueFrom: {secretKeyRef: {name: db, key: password}}")]
    [InlineData("- name: LOG_LEVEL\n  value: debug")]
    public void Placeholders_references_and_ordinary_values_pass(string env)
    {
        Assert.Empty(Check(WithEnv(env), "k8s.secret-in-env"));
    }

    [Fact]
    public void A_private_key_or_a_password_in_a_ConfigMap_is_reported_per_key()
    {
        var akid = "AK" + "IA" + Fake.Chars(Fake.Base32, 16, "chart-configmap");
        var yaml = $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  app.ini: |\n    [aws]\n    aws_access_key_id = {akid}\n  ADMIN_PASSWORD: s3cure-Pa55word\n  mode: production\n";
        var findings = Check(yaml, "k8s.secret-in-configmap");
        Assert.Equal(["data[app.ini]", "data[ADMIN_PASSWORD]"], findings.Select(f => f.Field));
        Assert.All(findings, f => Assert.DoesNotContain(akid, f.Evidence + f.Message, StringComparison.Ordinal));
        Assert.DoesNotContain("s3cure-Pa55word", string.Join(" ", findings.Select(f => f.Evidence + f.Message)), StringComparison.Ordinal);
    }
}
