using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Checks;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Analyzers.Secrets;

namespace Gatehouse.Analysis.Tests.Images.Checks;

/// <summary>
/// One test per <c>image.*</c> rule, each both ways: the plain, well-built Debian image of <see cref="TestImage.Debian"/>
/// passes it, the same image with one thing changed is caught.
/// </summary>
public sealed class ImageChecksAnalyzerTests
{
    private static List<Finding> Of(IEnumerable<Finding> findings, RuleDescriptor rule) => findings.Where(f => f.RuleId == rule.Id).ToList();

    private static ImageConfig With(TestImage t, Func<ImageConfig, ImageConfig> change) => t.Config = change(t.Config);

    [Fact]
    public async Task A_plain_well_built_Debian_image_gets_only_one_low_finding_listing_Debians_own_setuid_and_setgid_tools()
    {
        var findings = await TestImage.Debian().CheckAsync();

        var f = Assert.Single(findings);
        Assert.Equal((ImageCheckRules.SetuidBinary.Id, Severity.Low, TestImage.Root), (f.RuleId, f.Severity, f.Path));
        Assert.Equal(
            "/usr/bin/chage (setgid), /usr/bin/chfn (setuid), /usr/bin/chsh (setuid), /usr/bin/expiry (setgid), /usr/bin/gpasswd (setuid), "
            + "/usr/bin/mount (setuid), /usr/bin/newgrp (setuid), /usr/bin/passwd (setuid), /usr/bin/su (setuid), /usr/bin/umount (setuid), "
            + "/usr/sbin/unix_chkpwd (setgid)", f.Evidence);
        Assert.Equal("image.checks", f.AnalyzerId);
        Assert.Equal("GH-CTR-3", f.RequirementId);
    }

    [Fact]
    public async Task Other_artifact_types_and_images_the_expander_could_not_read_are_not_checked()
    {
        Assert.Empty(await TestImage.Debian().CheckAsync(artifactType: "downloadable"));

        var findings = new List<Finding>();
        var context = new AnalysisContext(Policy.Default, "container", findings.Add) { Image = new ImageFacts() };
        var artifact = new ScanFile { Path = "x.tar", Length = 1, Sha256 = new string('0', 64), Depth = 0, Open = () => new MemoryStream() };
        await new ImageChecksAnalyzer(TimeProvider.System).AnalyzeAsync(artifact, context, CancellationToken.None);
        Assert.Empty(findings);
    }

    [Theory]
    [InlineData(null, "no User")]
    [InlineData("", "no User")]
    [InlineData("0", "uid 0")]
    [InlineData("0:0", "uid 0")]
    [InlineData("root", "User is root")]
    [InlineData("root:app", "User is root")]
    [InlineData("toor", "maps toor to uid 0")]
    public async Task Root_users_are_caught(string? user, string reason)
    {
        var t = TestImage.Debian();
        With(t, c => c with { User = user });
        t.File(3, "etc/passwd", 0x1A4, 0, content: TestImage.DebianPasswd + "toor:x:0:0::/root:/bin/sh\n");
        t.LayerCount = 4;

        var f = Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.RunsAsRoot));
        Assert.Contains(reason, f.Message, StringComparison.Ordinal);
        Assert.Equal($"{TestImage.Root}!/config/User", f.Path);
        Assert.Equal(Severity.Medium, f.Severity);
    }

    [Theory]
    [InlineData("10001")]
    [InlineData("app")]
    [InlineData("www-data:www-data")]
    [InlineData("65534:0")]
    public async Task Non_root_users_pass(string user)
    {
        var t = TestImage.Debian();
        With(t, c => c with { User = user });
        Assert.Empty(Of(await t.CheckAsync(), ImageCheckRules.RunsAsRoot));
    }

    [Fact]
    public async Task A_secret_rule_match_in_an_ENV_value_is_reported_at_the_variable_with_redacted_evidence()
    {
        var token = TestKeys.Crc32Token("gh" + "p_", "image-env");
        var akid = "AK" + "IA" + Fake.Chars(Fake.Base32, 16, "image-env-akid");
        var t = TestImage.Debian();
        With(t, c => c with { Env = [.. c.Env, "GITHUB_TOKEN=" + token, "AWS_ACCESS_KEY_ID=" + akid] });

        var findings = Of(await t.CheckAsync(), ImageCheckRules.SecretInEnv);

        Assert.Equal(2, findings.Count);
        var gh = Assert.Single(findings, f => f.Path == $"{TestImage.Root}!/config/Env/GITHUB_TOKEN");
        Assert.Equal(Severity.Critical, gh.Severity);
        Assert.StartsWith("secret.github-pat: ghp_", gh.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(token, gh.Evidence + gh.Message, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Path.EndsWith("/Env/AWS_ACCESS_KEY_ID", StringComparison.Ordinal) && f.Evidence!.StartsWith("secret.aws-access-key-id", StringComparison.Ordinal));
        Assert.All(findings, f => Assert.Equal("GH-SEC-1", f.RequirementId));
    }

    [Theory]
    [InlineData("DB_PASSWORD", "hunter2-prod")]
    [InlineData("API_KEY", "k3y-for-prod")]
    [InlineData("SECRET_KEY_BASE", "s3cr3t")]
    [InlineData("ADMIN_PWD", "Winter2026")]
    public async Task A_credential_named_variable_with_a_real_value_is_caught_even_when_no_secret_rule_matches(string name, string value)
    {
        var t = TestImage.Debian();
        With(t, c => c with { Env = [.. c.Env, $"{name}={value}"] });

        var f = Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.SecretInEnv));
        Assert.Equal($"{TestImage.Root}!/config/Env/{name}", f.Path);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.DoesNotContain(value, f.Evidence + f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DB_PASSWORD=")]
    [InlineData("DB_PASSWORD=changeme")]
    [InlineData("DB_PASSWORD=${DB_PASSWORD}")]
    [InlineData("DB_PASSWORD_FILE=/run/secrets/db")]
    [InlineData("MYSQL_ALLOW_EMPTY_PASSWORD=yes")]
    [InlineData("TOKEN_TTL=3600")]
    [InlineData("PWD=/app")]
    [InlineData("GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D")]
    [InlineData("JWT_SECRET=<set-at-runtime>")]
    public async Task Placeholders_paths_switches_and_key_fingerprints_in_ENV_pass(string env)
    {
        var t = TestImage.Debian();
        With(t, c => c with { Env = [.. c.Env, env] });
        Assert.Empty(Of(await t.CheckAsync(), ImageCheckRules.SecretInEnv));
    }

    [Fact]
    public async Task A_secret_in_a_label_is_caught_and_ordinary_labels_pass()
    {
        var t = TestImage.Debian();
        var token = TestKeys.Crc32Token("gh" + "p_", "image-label");
        With(t, c => c with { Labels = new Dictionary<string, string>(c.Labels) { ["com.acme.deploy-token"] = token, ["maintainer"] = "ops@acme.example" } });

        var f = Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.SecretInLabel));
        Assert.Equal($"{TestImage.Root}!/config/Labels/com.acme.deploy-token", f.Path);
        Assert.Empty(Of(await TestImage.Debian().CheckAsync(), ImageCheckRules.SecretInLabel));
    }

    [Fact]
    public async Task A_secret_in_a_build_argument_of_the_history_is_caught_once_and_an_ENV_line_repeating_a_config_value_is_not_reported_twice()
    {
        var t = TestImage.Debian();
        var token = TestKeys.Crc32Token("gh" + "p_", "image-history");
        With(t, c => c with
        {
            Env = [.. c.Env, "DB_PASSWORD=hunter2-prod"],
            History =
            [
                .. c.History,
                new ImageHistoryEntry($"RUN |2 GITHUB_TOKEN={token} NPM_TOKEN=npm-build-0001 /bin/sh -c npm ci # buildkit", false, null, null),
                new ImageHistoryEntry("ENV DB_PASSWORD=hunter2-prod", true, null, null),
            ],
        });

        var findings = await t.CheckAsync();

        var history = Of(findings, ImageCheckRules.SecretInHistory);
        Assert.Equal(2, history.Count);
        Assert.All(history, f => Assert.Equal($"{TestImage.Root}!/config/history/6", f.Path));
        Assert.Contains(history, f => f.Evidence!.StartsWith("secret.github-pat", StringComparison.Ordinal) && f.Severity == Severity.Critical);
        Assert.Contains(history, f => f.Evidence!.StartsWith("NPM_TOKEN=", StringComparison.Ordinal) && f.Severity == Severity.Medium);
        Assert.Single(Of(findings, ImageCheckRules.SecretInEnv));
        Assert.Empty(Of(await TestImage.Debian().CheckAsync(), ImageCheckRules.SecretInHistory));
    }

    [Fact]
    public async Task An_ENV_secret_a_later_ENV_replaced_is_still_found_in_the_history()
    {
        var t = TestImage.Debian();
        With(t, c => c with
        {
            Env = [.. c.Env, "DB_PASSWORD=${DB_PASSWORD}"],
            History = [.. c.History, new ImageHistoryEntry("/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2-prod", true, null, null)],
        });

        var f = Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.SecretInHistory));
        Assert.Equal("DB_PASSWORD=hunt…prod", f.Evidence);
    }

    [Fact]
    public async Task Secret_fingerprints_name_the_place_and_survive_an_extra_history_step()
    {
        var token = TestKeys.Crc32Token("gh" + "p_", "image-fp");
        var line = new ImageHistoryEntry($"RUN |1 GITHUB_TOKEN={token} /bin/sh -c make # buildkit", false, null, null);
        var a = TestImage.Debian();
        With(a, c => c with { History = [.. c.History, line] });
        var b = TestImage.Debian();
        With(b, c => c with { History = [new ImageHistoryEntry("RUN /bin/sh -c apt-get update # buildkit", false, null, null), .. c.History, line] });

        var fa = Assert.Single(Of(await a.CheckAsync(), ImageCheckRules.SecretInHistory));
        var fb = Assert.Single(Of(await b.CheckAsync(), ImageCheckRules.SecretInHistory));
        Assert.NotEqual(fa.Path, fb.Path);
        Assert.Equal(fa.Fingerprint, fb.Fingerprint);
    }

    [Theory]
    [InlineData("ADD https://downloads.example.org/tool-1.2.tar.gz /opt/ # buildkit", "https://downloads.example.org/tool-1.2.tar.gz")]
    [InlineData("/bin/sh -c #(nop) ADD http://example.org/x.sh /usr/local/bin/x.sh", "http://example.org/x.sh")]
    [InlineData("ADD --chown=10001 https://user:pw@example.org/a.bin /a # buildkit", "https://…@example.org/a.bin")]
    public async Task Remote_ADD_in_the_history_is_caught(string createdBy, string url)
    {
        var t = TestImage.Debian();
        With(t, c => c with { History = [.. c.History, new ImageHistoryEntry(createdBy, false, null, null)] });

        var f = Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.RemoteAdd));
        Assert.Equal(url, f.Evidence);
        Assert.Equal(Severity.Medium, f.Severity);
    }

    [Theory]
    [InlineData("ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.org/a.tgz /a # buildkit")]
    [InlineData("ADD app.tar.gz /app # buildkit")]
    [InlineData("RUN /bin/sh -c curl -fsSL https://example.org/x | sha256sum -c # buildkit")]
    public async Task Pinned_and_local_ADD_pass(string createdBy)
    {
        var t = TestImage.Debian();
        With(t, c => c with { History = [.. c.History, new ImageHistoryEntry(createdBy, false, null, null)] });
        Assert.Empty(Of(await t.CheckAsync(), ImageCheckRules.RemoteAdd));
    }

    [Fact]
    public async Task An_unexpected_setuid_or_setgid_file_is_medium_and_a_removed_one_is_not_reported()
    {
        var t = TestImage.Debian();
        t.File(2, "usr/local/bin/helper", 0x9ED, 1000);            // 4755
        t.File(2, "usr/local/bin/grouper", 0x5ED, 1000, gid: 50);  // 2755
        t.File(2, "usr/bin/sudo", 0x9ED, 1000);                    // not one of the base's tools: a reviewer looks
        t.File(1, "opt/old/suid-tool", 0x9ED, 1000);
        t.Add(new LayerEntry(2, "opt/old/.wh.suid-tool", LayerEntryType.File, 0, 0, 0, 0, null));

        var findings = Of(await t.CheckAsync(), ImageCheckRules.SetuidBinary).Where(f => f.Severity == Severity.Medium).ToList();

        Assert.Equal(["app.tar!/usr/bin/sudo", "app.tar!/usr/local/bin/grouper", "app.tar!/usr/local/bin/helper"], findings.Select(f => f.Path).Order(StringComparer.Ordinal));
        var helper = findings.Single(f => f.Path.EndsWith("helper", StringComparison.Ordinal));
        Assert.Contains("is setuid (uid 0", helper.Message, StringComparison.Ordinal);
        Assert.Contains("layer 2 (sha256:", helper.Evidence, StringComparison.Ordinal);
        Assert.Contains("is setgid (gid 50", findings.Single(f => f.Path.EndsWith("grouper", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_world_writable_directory_without_the_sticky_bit_is_caught_and_tmp_1777_passes()
    {
        var t = TestImage.Debian();
        t.Dir(2, "app/data", 0x1FF); // 0777

        var f = Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.WorldWritableDir));
        Assert.Equal($"{TestImage.Root}!/app/data", f.Path);
        Assert.StartsWith("0777", f.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_missing_required_label_is_its_own_finding()
    {
        var t = TestImage.Debian();
        With(t, c => c with { Labels = new Dictionary<string, string> { ["org.opencontainers.image.source"] = "https://git.example.org/x", ["org.opencontainers.image.version"] = " " } });

        var findings = Of(await t.CheckAsync(), ImageCheckRules.MissingLabel);

        Assert.Equal(["org.opencontainers.image.licenses", "org.opencontainers.image.version"], findings.Select(f => f.Evidence).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal(Severity.Low, f.Severity));
        var custom = Policy.Default with { Images = ImagePolicy.Default with { RequiredLabels = ["org.opencontainers.image.source"] } };
        Assert.Empty(Of(await t.CheckAsync(policy: custom), ImageCheckRules.MissingLabel));
    }

    [Theory]
    [InlineData("debian", "11", "2026-12-05", true)]
    [InlineData("debian", "12", "2026-12-05", false)]
    [InlineData("debian", "12", "2028-07-01", true)]
    [InlineData("alpine", "3.21.3", "2026-12-05", true)]
    [InlineData("alpine", "3.22.1", "2026-12-05", false)]
    [InlineData("ubuntu", "20.04", "2026-12-05", true)]
    [InlineData("ubuntu", "24.04", "2026-12-05", false)]
    [InlineData("rhel", "9.4", "2026-12-05", false)]
    [InlineData("centos", "7", "2026-12-05", true)]
    [InlineData("archlinux", "20261201", "2026-12-05", false)]
    public async Task The_base_distribution_is_end_of_life_by_the_scans_clock(string id, string version, string today, bool eol)
    {
        var t = TestImage.Debian();
        var text = $"ID={id}\nVERSION_ID=\"{version}\"\n";
        t.File(1, "usr/lib/os-release", 0x1A4, text.Length, content: text);

        var findings = Of(await t.CheckAsync(DateTimeOffset.Parse(today + "T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), ImageCheckRules.OsEndOfLife);

        Assert.Equal(eol, findings.Count == 1);
        if (eol) Assert.Equal($"{TestImage.Root}!/etc/os-release", findings[0].Path);
    }

    [Fact]
    public async Task Without_os_release_the_version_files_name_the_release_and_testing_is_never_end_of_life()
    {
        var t = new TestImage();
        t.File(0, "etc/alpine-release", 0x1A4, 7, content: "3.18.4\n");
        Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.OsEndOfLife));

        var testing = new TestImage();
        var osr = "ID=debian\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n";
        testing.File(0, "etc/os-release", 0x1A4, osr.Length, content: osr);
        testing.File(0, "etc/debian_version", 0x1A4, 11, content: "trixie/sid\n");
        Assert.Empty(Of(await testing.CheckAsync(), ImageCheckRules.OsEndOfLife));
    }

    [Fact]
    public async Task More_layers_than_the_policy_allows_is_caught()
    {
        var t = TestImage.Debian();
        t.LayerCount = 41;
        Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.ExcessiveLayers));
        t.LayerCount = 40;
        Assert.Empty(Of(await t.CheckAsync(), ImageCheckRules.ExcessiveLayers));
    }

    [Fact]
    public async Task Package_caches_left_behind_are_reported_per_cache_with_their_size()
    {
        var t = TestImage.Debian();
        t.File(1, "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4", 0x1A4, 3 << 20);
        t.File(1, "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", 0x1A4, 150_000);
        t.File(1, "var/cache/apt/archives/curl_7.88.1-10_amd64.deb", 0x1A4, 300_000);
        t.File(2, "root/.cache/pip/http-v2/a/b/c", 0x1A4, 2000);
        t.File(2, "home/app/.npm/_cacache/index-v5/00/11", 0x1A4, 500);
        t.File(2, "var/cache/apk/APKINDEX.1.tar.gz", 0x1A4, 700_000);

        var findings = Of(await t.CheckAsync(), ImageCheckRules.PackageCache);

        Assert.Equal(
            ["app.tar!/home/app/.npm/_cacache", "app.tar!/root/.cache/pip", "app.tar!/var/cache/apk", "app.tar!/var/cache/apt/archives", "app.tar!/var/lib/apt/lists"],
            findings.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Contains("2 files, 3.1 MiB", findings.Single(f => f.Path.EndsWith("lists", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_disabled_health_check_is_caught()
    {
        var t = TestImage.Debian();
        With(t, c => c with { Healthcheck = null });
        Assert.Contains("no HEALTHCHECK", Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.NoHealthcheck)).Message, StringComparison.Ordinal);
        With(t, c => c with { Healthcheck = new ImageHealthcheck(["NONE"], null, null, null) });
        Assert.Contains("NONE", Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.NoHealthcheck)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_with_an_empty_password_is_caught_and_locked_accounts_pass()
    {
        var t = TestImage.Debian();
        var shadow = TestImage.DebianShadow.Replace("root:*:", "root::", StringComparison.Ordinal);
        t.File(2, "etc/shadow", 0x1A0, shadow.Length, content: shadow);
        var passwd = TestImage.DebianPasswd + "guest::1002:1002::/home/guest:/bin/sh\n";
        t.File(2, "etc/passwd", 0x1A4, passwd.Length, content: passwd);

        var findings = Of(await t.CheckAsync(), ImageCheckRules.EmptyPassword);

        Assert.Equal(["root::", "guest::"], findings.Select(f => f.Evidence));
        Assert.All(findings, f => Assert.Equal(Severity.High, f.Severity));
    }

    [Fact]
    public async Task Exposing_port_22_is_caught()
    {
        var t = TestImage.Debian();
        With(t, c => c with { ExposedPorts = ["8080/tcp", "22/tcp"] });
        Assert.Equal($"{TestImage.Root}!/config/ExposedPorts/22/tcp", Assert.Single(Of(await t.CheckAsync(), ImageCheckRules.SshExposed)).Path);
        With(t, c => c with { ExposedPorts = ["2222/tcp", "22/udp"] });
        Assert.Empty(Of(await t.CheckAsync(), ImageCheckRules.SshExposed));
    }

    [Fact]
    public async Task Incomplete_layers_still_report_the_config_checks_then_fail_the_analyzer_so_the_verdict_is_incomplete()
    {
        var t = TestImage.Debian();
        t.LayersComplete = false;
        With(t, c => c with { User = null, Env = [.. c.Env, "DB_PASSWORD=hunter2-prod"] });
        t.Dir(2, "app/data", 0x1FF);

        var findings = new List<Finding>();
        var context = new AnalysisContext(Policy.Default, "container", findings.Add) { Image = t.Facts() };
        var artifact = new ScanFile { Path = TestImage.Root, Length = 1, Sha256 = new string('0', 64), Depth = 0, Open = () => new MemoryStream() };
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => new ImageChecksAnalyzer(TimeProvider.System).AnalyzeAsync(artifact, context, CancellationToken.None).AsTask());

        Assert.Contains("final filesystem is unknown", ex.Message, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.RuleId == ImageCheckRules.RunsAsRoot.Id);
        Assert.Contains(findings, f => f.RuleId == ImageCheckRules.SecretInEnv.Id);
        Assert.DoesNotContain(findings, f => f.RuleId == ImageCheckRules.WorldWritableDir.Id);
    }

    [Fact]
    public async Task A_pipeline_with_the_checks_reports_an_incomplete_layer_walk_as_an_incomplete_verdict()
    {
        var t = TestImage.Debian();
        t.LayersComplete = false;
        var facts = t.Facts();
        var analyzer = new FactsInjector(facts, new ImageChecksAnalyzer(TimeProvider.System));
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, [1, 2, 3]);
            var report = await new ScanPipeline([analyzer], null, Policy.Default, TimeProvider.System).ScanAsync(path, "app.tar", "container", null, CancellationToken.None);
            Assert.Equal("incomplete", report.Verdict.ToString().ToLowerInvariant());
            Assert.Contains(report.Analyzers, r => r.Id == "image.checks" && r.Status == "failed");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Hands the facts to the analyzer as the pipeline's plumbing will (the expander fills them in a real scan).</summary>
    private sealed class FactsInjector(ImageFacts facts, ImageChecksAnalyzer inner) : IArtifactAnalyzer
    {
        public string Id => inner.Id;
        public string Version => inner.Version;
        public IReadOnlyList<RuleDescriptor> Rules => inner.Rules;

        public ValueTask AnalyzeAsync(ScanFile artifact, AnalysisContext context, CancellationToken ct) =>
            inner.AnalyzeAsync(artifact, new AnalysisContext(context.Policy, context.ArtifactType, context.Report, context.TempDirectory) { Image = facts }, ct);
    }
}
