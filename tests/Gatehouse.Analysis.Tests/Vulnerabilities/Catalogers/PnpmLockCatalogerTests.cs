using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

public sealed class PnpmLockCatalogerTests
{
    private static List<string> Purls(string text, out string? problem) =>
        PnpmLockCataloger.Parse(text, "pnpm-lock.yaml", out problem).Select(p => p.Purl.ToString()).ToList();

    [Fact]
    public void Lockfile_v9_keys_give_name_and_version_without_peer_suffixes()
    {
        const string lockfile = """
            lockfileVersion: '9.0'

            settings:
              autoInstallPeers: true

            importers:
              .:
                dependencies:
                  react-dom:
                    specifier: ^18.2.0
                    version: 18.2.0(react@18.2.0)

            packages:
              '@babel/runtime@7.24.0':
                resolution: {integrity: sha512-x}
              react-dom@18.2.0:
                resolution: {integrity: sha512-y}
                peerDependencies:
                  react: ^18.2.0
              react@18.2.0:
                resolution: {integrity: sha512-z}

            snapshots:
              react-dom@18.2.0(react@18.2.0):
                dependencies:
                  react: 18.2.0
            """;

        Assert.Equal(["pkg:npm/%40babel/runtime@7.24.0", "pkg:npm/react-dom@18.2.0", "pkg:npm/react@18.2.0"], Purls(lockfile, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Lockfile_v6_and_v5_keys_are_read_and_dev_entries_left_out()
    {
        const string v6 = """
            lockfileVersion: '6.0'
            packages:
              /@types/node@20.11.30:
                resolution: {integrity: sha512-a}
                dev: true
              /lodash@4.17.21:
                resolution: {integrity: sha512-b}
                dev: false
              /react-dom@18.2.0(react@18.2.0):
                resolution: {integrity: sha512-c}
            """;
        const string v5 = """
            lockfileVersion: 5.4
            packages:
              /lodash/4.17.21:
                resolution: {integrity: sha512-b}
              /@babel/core/7.24.0:
                resolution: {integrity: sha512-d}
              /react-dom/18.2.0_react@18.2.0:
                resolution: {integrity: sha512-c}
            """;

        Assert.Equal(["pkg:npm/lodash@4.17.21", "pkg:npm/react-dom@18.2.0"], Purls(v6, out _));
        Assert.Equal(["pkg:npm/lodash@4.17.21", "pkg:npm/%40babel/core@7.24.0", "pkg:npm/react-dom@18.2.0"], Purls(v5, out _));
    }

    [Theory]
    [InlineData("packages: [", "not valid YAML")]
    [InlineData("lockfileVersion: '9.0'\n", "no 'packages'")]
    [InlineData("a: &x [1, 2]\nb: *x\npackages:\n  lodash@1.0.0: {}\n", "aliases")]
    public void Malformed_or_hostile_lockfiles_give_no_packages_and_a_reason(string text, string reason)
    {
        Assert.Empty(Purls(text, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
