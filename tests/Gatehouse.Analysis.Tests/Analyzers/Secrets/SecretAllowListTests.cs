namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

/// <summary>Things that look like secrets but are not: each allow-list entry, proven quiet.</summary>
public sealed class SecretAllowListTests
{
    private static string Sri(string seed, int bits = 512) => "sha" + bits + "-" + Fake.B64(bits == 512 ? 86 : 64, seed) + (bits == 512 ? "==" : "");

    [Fact]
    public async Task Package_lock_integrity_hashes_are_not_reported()
    {
        var content = "{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/js-tokens\": {\n"
            + "      \"version\": \"4.0.0\",\n      \"resolved\": \"https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz\",\n"
            + "      \"integrity\": \"" + Sri("lock1") + "\"\n    },\n    \"node_modules/secret-handshake\": {\n"
            + "      \"integrity\": \"" + Sri("lock2") + "\"\n    }\n  }\n}\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "app.zip!/package-lock.json"));
    }

    [Fact]
    public async Task Yarn_lock_integrity_hashes_are_not_reported()
    {
        var content = "js-tokens@^4.0.0:\n  version \"4.0.0\"\n  resolved \"https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz#" + Fake.HexOf(40, "y")
            + "\"\n  integrity " + Sri("yarn") + "\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "yarn.lock"));
    }

    [Fact]
    public async Task Pnpm_lock_integrity_hashes_are_not_reported()
    {
        var content = "lockfileVersion: '9.0'\npackages:\n  js-tokens@4.0.0:\n    resolution: {integrity: " + Sri("pnpm") + "}\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "pnpm-lock.yaml"));
    }

    [Fact]
    public async Task Cargo_lock_checksums_are_not_reported()
    {
        var content = "[[package]]\nname = \"secret-service\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
            + "checksum = \"" + Fake.HexOf(64, "cargo") + "\"\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "Cargo.lock"));
    }

    [Fact]
    public async Task Go_sum_hashes_are_not_reported()
    {
        var content = "github.com/golang-jwt/jwt/v5 v5.2.1 h1:" + Fake.B64(43, "gosum1") + "=\n"
            + "github.com/golang-jwt/jwt/v5 v5.2.1/go.mod h1:" + Fake.B64(43, "gosum2") + "=\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "go.sum"));
    }

    [Fact]
    public async Task An_integrity_hash_assigned_to_a_secret_like_name_is_not_reported()
    {
        Assert.Empty(await SecretScanner.ScanAsync("asset_token: \"" + Sri("named") + "\"\n", "assets.yml"));
    }

    [Fact]
    public async Task The_generic_rules_skip_lockfiles_but_specific_rules_do_not()
    {
        var token = TestKeys.Crc32Token("np" + "m_", "in-lock");
        var content = "{ \"packages\": { \"x\": { \"token\": \"" + Fake.Al(30, "generic-in-lock") + "7\", \"resolved\": \"https://u:" + token + "@registry.npmjs.org/x.tgz\" } } }\n";

        var f = Assert.Single(await SecretScanner.ScanAsync(content, "package-lock.json"));

        Assert.Equal("secret.npm-token", f.RuleId);
    }

    [Theory]
    [InlineData("api_key = \"{0}\"")]
    [InlineData("token: {0}")]
    [InlineData("\"client_secret\": \"{0}\"")]
    public async Task A_uuid_is_not_reported(string template)
    {
        Assert.Empty(await SecretScanner.ScanAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Fake.Uuid("uuid")) + "\n"));
    }

    [Fact]
    public async Task A_uuid_assigned_to_a_heroku_key_is_still_reported()
    {
        var f = Assert.Single(await SecretScanner.ScanAsync("HEROKU_API_KEY=" + Fake.Uuid("heroku-still") + "\n"));

        Assert.Equal("secret.heroku-api-key", f.RuleId);
    }

    [Fact]
    public async Task A_token_shape_inside_a_base64_image_is_not_reported()
    {
        var lookalike = "AK" + "IA" + Fake.Chars(Fake.Base32, 16, "in-image");
        var image = "data:image/png;base64,iVBORw0KGgo" + Fake.B64(300, "png1") + "+" + lookalike + "+" + Fake.B64(300, "png2") + "==";

        Assert.Empty(await SecretScanner.ScanAsync("<img alt=\"logo\" src=\"" + image + "\">\n", "index.html"));
        Assert.Empty(await SecretScanner.ScanAsync(".logo { background: url(" + image + "); }\n", "site.css"));
    }

    [Fact]
    public async Task The_same_token_outside_a_base64_image_is_reported()
    {
        var lookalike = "AK" + "IA" + Fake.Chars(Fake.Base32, 16, "in-image");

        var f = Assert.Single(await SecretScanner.ScanAsync("<p data-x=\"" + Fake.B64(30, "p") + "+" + lookalike + "+\"></p>\n", "index.html"));

        Assert.Equal("secret.aws-access-key-id", f.RuleId);
    }

    [Fact]
    public async Task The_documented_aws_example_keys_are_not_reported()
    {
        var content = "[default]\naws_access_key_id = " + "AKIAIOSFODNN7" + "EXAMPLE\naws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, ".aws/credentials"));
    }

    [Fact]
    public async Task The_documented_jwt_io_example_token_is_not_reported()
    {
        var jwt = Fake.Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + Fake.Base64Url("{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"iat\":1516239022}")
            + "." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6y" + "JV_adQssw5c";

        Assert.Empty(await SecretScanner.ScanAsync("// from jwt.io\nconst sample = '" + jwt + "';\n", "README.md"));
    }

    [Fact]
    public async Task A_git_sha_on_a_line_that_names_it_is_not_reported()
    {
        var sha = Fake.HexOf(40, "git");
        var content = "{\n  \"gitHead\": \"" + sha + "\",\n  \"secret_rotation_commit\": \"" + sha + "\"\n}\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "package.json"));
    }

    [Fact]
    public async Task A_hex_secret_without_a_sha_context_is_reported()
    {
        var f = Assert.Single(await SecretScanner.ScanAsync("client_secret: " + Fake.HexOf(40, "hex-secret") + "\n", "oauth.yml"));

        Assert.Equal("secret.generic-api-key", f.RuleId);
    }

    [Fact]
    public async Task Subresource_integrity_hashes_in_html_are_not_reported()
    {
        var content = "<script src=\"https://cdn.jsdelivr.net/npm/lib@1/lib.min.js\" integrity=\"" + Sri("sri1", 384)
            + "\" crossorigin=\"anonymous\"></script>\n<link rel=\"stylesheet\" href=\"x.css\" data-token=\"" + Sri("sri2", 384) + "\">\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "index.html"));
    }

    [Fact]
    public async Task The_azurite_development_storage_key_is_not_reported()
    {
        var content = "UseDevelopmentStorage=true;AccountKey=" + "Eby8vdM02xNOcqFl" + Fake.B64(70, "azurite") + "==\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "local.settings.json"));
    }

    [Theory]
    [InlineData("password = \"changeme\"")]
    [InlineData("DB_PASSWORD=changeme-in-production-2024")]
    [InlineData("api_key: \"<your-api-key-here-123>\"")]
    [InlineData("token: ${GITHUB_TOKEN}")]
    [InlineData("token: \"${{ secrets.GITHUB_TOKEN }}\"")]
    [InlineData("secret: \"{{ .Values.auth.secret }}\"")]
    [InlineData("password = process.env.DB_PASSWORD_2")]
    [InlineData("password = os.environ['DB_PASSWORD_2']")]
    [InlineData("password = os.getenv(\"DB_PASSWORD_2\")")]
    [InlineData("API_KEY=xxxxxxxxxxxxxxxxxxxx1")]
    [InlineData("api_key = \"your_api_key_1234567\"")]
    [InlineData("SECRET_KEY=$DJANGO_SECRET_KEY_2")]
    [InlineData("password: \"********************\"")]
    [InlineData("auth_token = \"example-token-123456789\"")]
    [InlineData("password: aaaaaaaaaaaa11111111")]
    [InlineData("password = \"Sh0rt!\"")]
    [InlineData("token_endpoint: https://login.example.com/oauth2/v2.0/token")]
    [InlineData("password_reset_path: /account/reset/v2")]
    [InlineData("stripe_publishable_key: pk_live_51Habc2DEFghi3JKLmno4PQR")]
    [InlineData("token_expires_in: 3600000000000")]
    [InlineData("DATABASE_URL=postgres://user:password@localhost:5432/app")]
    [InlineData("MONGO_URL=mongodb://admin:${MONGO_PASSWORD}@mongo:27017")]
    [InlineData("BROKER=amqp://guest:guest@localhost:5672/")]
    [InlineData("let password = getPasswordFromVault(name2)")]
    [InlineData("const tokenizer = new Tokenizer2(options)")]
    [InlineData("password = config.database.password")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----")]
    [InlineData("private const string SecretAlphabet = \"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\";")]
    [InlineData("const myURL = new URL('https://abc:xyz@example.com');")]
    [InlineData("git clone https://deploy:" + "Zq9xL2pW7vK4" + "@git.example.org/app.git")]
    [InlineData("access_token=2YotnFZFEjr1" + "zCsicMWpAA")]
    public async Task Placeholders_references_and_weak_lookalikes_are_not_reported(string line)
    {
        Assert.Empty(await SecretScanner.ScanAsync(line + "\n", "config/settings.txt"));
    }
}
