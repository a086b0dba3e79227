namespace Gatehouse.Cli.Tests.Config;

public sealed class ConfigDirectoryTests
{
    private static readonly string Home = Path.Combine(Path.GetTempPath(), "home");
    private static readonly string Absolute = Path.Combine(Path.GetTempPath(), "elsewhere");

    [Fact]
    public void GATEHOUSE_CONFIG_DIR_wins()
    {
        var vars = new Dictionary<string, string> { ["GATEHOUSE_CONFIG_DIR"] = Absolute, ["XDG_CONFIG_HOME"] = Home };

        Assert.Equal(Absolute, CliEnvironment.ResolveConfigDirectory(vars, Home));
    }

    [Fact]
    public void XDG_CONFIG_HOME_is_used_when_GATEHOUSE_CONFIG_DIR_is_unset()
    {
        var vars = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = Absolute };

        Assert.Equal(Path.Combine(Absolute, "gatehouse"), CliEnvironment.ResolveConfigDirectory(vars, Home));
    }

    [Fact]
    public void A_relative_XDG_CONFIG_HOME_is_ignored()
    {
        var vars = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = "relative/dir" };

        Assert.Equal(Path.Combine(Home, ".config", "gatehouse"), CliEnvironment.ResolveConfigDirectory(vars, Home));
    }

    [Fact]
    public void The_default_is_dot_config_gatehouse_in_the_home_directory()
    {
        Assert.Equal(Path.Combine(Home, ".config", "gatehouse"), CliEnvironment.ResolveConfigDirectory(new Dictionary<string, string>(), Home));
    }

    [Fact]
    public void Empty_variables_count_as_unset()
    {
        var vars = new Dictionary<string, string> { ["GATEHOUSE_CONFIG_DIR"] = "", ["XDG_CONFIG_HOME"] = "" };

        Assert.Equal(Path.Combine(Home, ".config", "gatehouse"), CliEnvironment.ResolveConfigDirectory(vars, Home));
    }

    [Fact]
    public void The_data_directory_follows_GATEHOUSE_DATA_DIR_then_XDG_DATA_HOME_then_dot_local_share()
    {
        Assert.Equal(Absolute, CliEnvironment.ResolveDataDirectory(new Dictionary<string, string> { ["GATEHOUSE_DATA_DIR"] = Absolute, ["XDG_DATA_HOME"] = Home }, Home));
        Assert.Equal(Path.Combine(Absolute, "gatehouse"), CliEnvironment.ResolveDataDirectory(new Dictionary<string, string> { ["XDG_DATA_HOME"] = Absolute }, Home));
        Assert.Equal(Path.Combine(Home, ".local", "share", "gatehouse"), CliEnvironment.ResolveDataDirectory(new Dictionary<string, string> { ["XDG_DATA_HOME"] = "relative" }, Home));
        Assert.Equal(Path.Combine(Home, ".local", "share", "gatehouse"), CliEnvironment.ResolveDataDirectory(new Dictionary<string, string>(), Home));
    }
}
