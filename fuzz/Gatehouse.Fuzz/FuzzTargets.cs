namespace Gatehouse.Fuzz;

/// <summary>
/// Every fuzzing target, by name: the parsers of untrusted input in Gatehouse.Analysis (docs/fuzzing.md lists them with
/// their entry points). A target's corpus is its generated seeds plus the files under <c>fuzz/corpus/&lt;name&gt;/</c>.
/// </summary>
internal static class FuzzTargets
{
    private static IEnumerable<(string, byte[])> None() => [];

    /// <summary>A cataloger target: the file at <paramref name="path"/>, dispatched as the dependencies analyzer does.</summary>
    private static FuzzTarget Dependency(string name, string path, string parser) =>
        new(name, $"{parser} (as DependenciesAnalyzer reads {path})", DependencyHarness.For(path), None);

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        // Archives: the walker sniffs the format, so zip, tar and gzip differ only in their seeds.
        new("zip", "ZipParser.Parse, then ArchiveWalker.WalkAsync", ArchiveHarness.Zip, ArchiveHarness.ZipSeeds),
        new("tar", "ArchiveWalker.WalkAsync (tar: TarReader behind TarGuardStream, links, names)", ArchiveHarness.Walk, ArchiveHarness.TarSeeds),
        new("gzip", "ArchiveWalker.WalkAsync (gzip, tar.gz, nested)", ArchiveHarness.Walk, ArchiveHarness.GzipSeeds),

        // Container images.
        new("oci-image", "ImageArchive.Open (OCI layout or docker-archive tar, gzip or not), every blob read through its verifying stream", ImageHarness.Open, ImageHarness.LayoutSeeds),
        new("oci-index", "ImageArchive.Open with the input as index.json", ImageHarness.Index, ImageHarness.IndexSeeds),
        new("oci-manifest", "ImageArchive.Open with the input as the image manifest (digests recomputed)", ImageHarness.Manifest, ImageHarness.ManifestSeeds),
        new("oci-config", "ImageConfigParser.Parse, then ImageArchive.Open with the input as the config blob", ImageHarness.Config, ImageHarness.ConfigSeeds),
        new("docker-manifest", "ImageArchive.Open with the input as a docker-archive's manifest.json", ImageHarness.DockerManifest, ImageHarness.DockerManifestSeeds),

        // Lockfiles, manifests and package databases.
        Dependency("npm-lock", "package-lock.json", "NpmLockCataloger.Parse"),
        Dependency("yarn-lock", "yarn.lock", "TextLockCatalogers.Parse (yarn-lock)"),
        Dependency("pnpm-lock", "pnpm-lock.yaml", "PnpmLockCataloger.Parse"),
        Dependency("nuget-lock", "packages.lock.json", "NuGetCataloger.Parse"),
        Dependency("nuget-deps", "app/Demo.deps.json", "NuGetCataloger.Parse"),
        Dependency("nuspec", "demo.nuspec", "NuspecCataloger.Parse"),
        Dependency("pipfile-lock", "Pipfile.lock", "PythonCataloger.Parse (pipfile-lock)"),
        Dependency("poetry-lock", "poetry.lock", "PythonCataloger.Parse (poetry-lock)"),
        Dependency("requirements", "requirements.txt", "PythonCataloger.Parse (requirements)"),
        Dependency("python-metadata", "site-packages/demo-1.0.dist-info/METADATA", "PythonCataloger.Parse (metadata)"),
        Dependency("cargo-lock", "Cargo.lock", "LockfileCatalogers.Parse (cargo-lock)"),
        Dependency("composer-lock", "composer.lock", "LockfileCatalogers.Parse (composer-lock)"),
        Dependency("go-mod", "go.mod", "LockfileCatalogers.Parse (go-mod)"),
        Dependency("go-sum", "go.sum", "LockfileCatalogers.Parse (go-sum)"),
        Dependency("gemfile-lock", "Gemfile.lock", "TextLockCatalogers.Parse (gemfile-lock)"),
        Dependency("pom-xml", "pom.xml", "PomXmlCataloger.Parse"),
        Dependency("pom-properties", "lib/demo.jar!/META-INF/maven/org.example/demo/pom.properties", "ManifestCatalogers.Parse (pom-properties)"),
        Dependency("package-json", "node_modules/left-pad/package.json", "ManifestCatalogers.Parse (node-package)"),
        Dependency("dpkg-status", "var/lib/dpkg/status", "DpkgStatusCataloger.Parse (with and without os-release)"),
        Dependency("apk-installed", "lib/apk/db/installed", "ApkInstalledCataloger.Parse (with and without os-release)"),
        Dependency("os-release", "etc/os-release", "OsRelease.Parse"),
        new("rpmdb", "RpmDbCataloger.Parse (SQLite file; the input is the database)", DependencyHarness.For("var/lib/rpm/rpmdb.sqlite"), DependencyHarness.RpmDbSeeds),
        new("rpm-header", "RpmHeader.Parse, RpmDbCataloger.Create", DependencyHarness.RpmHeaderBlob, DependencyHarness.RpmHeaderSeeds),

        // Advisories, SBOMs, VEX, package URLs.
        new("osv", "OsvParser.Parse, OsvRangeEvaluator.Evaluate", DocumentHarness.Osv, None),
        new("cyclonedx", "CycloneDxReader.Read", DocumentHarness.CycloneDx, None),
        new("vex", "VexDocument.Parse (OpenVEX, CycloneDX VEX)", DocumentHarness.Vex, None),
        new("purl", "PackageUrl.TryParse (and its canonical form again)", DocumentHarness.Purl, None),

        // Helm charts.
        new("chart-archive", "ChartArchive.Read", ChartHarness.Archive, ChartHarness.ArchiveSeeds),
        new("chart", "ChartAnalyzer.AnalyzeAsync up to Helm (the input is the chart .tgz)", ChartHarness.Analyze, ChartHarness.ArchiveSeeds),
        new("chart-yaml", "ChartAnalyzer.AnalyzeAsync up to Helm, the input as Chart.yaml", ChartHarness.ChartYamlFile, ChartHarness.ChartYamlSeeds),
        new("chart-values", "ChartAnalyzer.AnalyzeAsync up to Helm, the input as values.yaml", ChartHarness.ValuesFile, ChartHarness.ValuesSeeds),
        new("chart-lock", "ChartAnalyzer.AnalyzeAsync up to Helm, the input as Chart.lock (ChartDependencies.Check)", ChartHarness.LockFile, ChartHarness.LockSeeds),
        new("chart-rendered", "RenderedOutput.Parse (Helm's output), ManifestRules.Check", ChartHarness.RenderedManifests, ChartHarness.RenderedSeeds),

        // Questionnaires and policies.
        new("questionnaire", "QuestionnaireParser.Parse", DocumentHarness.Questionnaire, None),
        new("answers", "QuestionnaireAnswers.ReadAsync, QuestionnaireScorer.Score", DocumentHarness.Answers, None),
        new("policy", "PolicyFile.Parse (the listing policy's analysis section too)", DocumentHarness.Policy, None),

        // Signing material a vendor supplies or a verifier reads (signatures are made here where they guard the parser).
        new("prov", "HelmProvenance.Verify (the input as the .prov: clear-signed armor, signature packet)", SigningHarness.Prov, SigningHarness.ProvSeeds),
        new("prov-body", "HelmProvenance.Verify (the input as the signed body, clear-signed by the harness: the file digests' YAML)", SigningHarness.ProvBody, SigningHarness.ProvBodySeeds),
        new("pgp-keyring", "HelmProvenance.ReadPublicKeyring, then HelmProvenance.Verify with it", SigningHarness.Keyring, SigningHarness.KeyringSeeds),
        new("sigstore-bundle", "SigstoreBundle.VerifyDigest, SignatureFiles.KeyHint", SigningHarness.Bundle, SigningHarness.BundleSeeds),
        new("dsse", "Dsse.Verify, SignatureFiles.VerifyTicket (bundle or bare envelope)", SigningHarness.Dsse, SigningHarness.DsseSeeds),
        new("ticket", "ApprovalTicket.Verify, SignatureFiles.VerifyTicket (the input as the in-toto statement, signed by the harness)", SigningHarness.Ticket, SigningHarness.TicketSeeds),
        new("cosign", "CosignSignature.Verify (the input as the simple-signing payload, signed by the harness)", SigningHarness.Cosign, SigningHarness.CosignSeeds),
        new("verification-keys", "VerificationKeys.Parse (JWKS or PEM public keys)", SigningHarness.VerificationKeyFile, SigningHarness.VerificationKeySeeds),

        // What a registry answers the engine's RegistryClient (an in-memory registry: no socket).
        new("registry-challenge", "RegistryClient.GetCosignSignaturesAsync, the input as the WWW-Authenticate challenge (RegistryClient.ParseChallenge)", RegistryHarness.Challenge, RegistryHarness.ChallengeSeeds),
        new("registry-token", "RegistryClient.GetCosignSignaturesAsync, the input as the token service's answer", RegistryHarness.Token, RegistryHarness.TokenSeeds),
        new("registry-manifest", "RegistryClient.PullAsync, the input as the manifest or index the tag names", RegistryHarness.Manifest, RegistryHarness.ManifestSeeds),
        new("registry-signatures", "RegistryClient.GetCosignSignaturesAsync, the input as the cosign .sig manifest, then CosignSignature.Verify", RegistryHarness.SignatureManifest, RegistryHarness.SignatureManifestSeeds),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
