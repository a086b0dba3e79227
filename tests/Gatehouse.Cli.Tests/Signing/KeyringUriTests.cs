namespace Gatehouse.Cli.Tests.Signing;

/// <summary>Where <c>verify</c> looks for the Helm keyring when only a key URL is given.</summary>
public sealed class KeyringUriTests
{
    [Theory]
    [InlineData("https://g.example/.well-known/gatehouse/keys", "https://g.example/.well-known/gatehouse/pubring.gpg")]
    [InlineData("https://g.example/.well-known/gatehouse/keys.pem", "https://g.example/.well-known/gatehouse/pubring.gpg")]
    [InlineData("https://g.example/base/.well-known/gatehouse/keys/abc.pem", "https://g.example/base/.well-known/gatehouse/pubring.gpg")]
    [InlineData("https://mirror.example/trust/keys.json?x=1", "https://mirror.example/trust/pubring.gpg")]
    public void The_keyring_is_looked_for_beside_the_key_url(string key, string keyring) =>
        Assert.Equal(keyring, Gatehouse.Cli.Commands.VerifyCommand.KeyringUri(new Uri(key)).ToString());
}
