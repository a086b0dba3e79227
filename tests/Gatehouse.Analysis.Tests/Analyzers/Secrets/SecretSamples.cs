namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

/// <summary>One positive sample: a file containing a fake secret that rule <see cref="RuleId"/> must report.</summary>
public sealed record SecretSample(string RuleId, string Path, string Content, string Secret)
{
    public override string ToString() => RuleId + " in " + Path;
}

/// <summary>At least one sample per rule in rules/secrets/rules.json (enforced by a test).</summary>
internal static class SecretSamples
{
    private static string F(int n, string seed) => Fake.Al(n, seed);

    public static IEnumerable<SecretSample> All()
    {
        // ---- cloud providers
        var akid = "AK" + "IA" + Fake.Chars(Fake.Base32, 16, "akid");
        yield return new("secret.aws-access-key-id", "config/app.yml", "aws:\n  region: eu-west-1\n  access_key_id: " + akid + "\n", akid);
        var aws = Fake.B64(40, "aws-secret");
        yield return new("secret.aws-secret-access-key", ".aws/credentials", "[default]\naws_secret_access_key = " + aws + "\n", aws);
        var akid2 = "AK" + "IA" + Fake.Chars(Fake.Base32, 16, "akid2");
        var aws2 = Fake.B64(40, "aws-secret-2");
        yield return new("secret.aws-secret-access-key", "credentials.csv", "Access key ID,Secret access key\n" + akid2 + "," + aws2 + "\n", aws2);

        // The key file holds the PEM with JSON-escaped line breaks; the rule's secret is the body as it stands there.
        var pemBody = TestKeys.Body(TestKeys.RsaPkcs8).Replace("\n", "\\n", StringComparison.Ordinal);
        yield return new("secret.gcp-service-account-key", "sa.json",
            "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-project\",\n  \"private_key_id\": \"" + Fake.HexOf(40, "gcp-kid") + "\",\n"
            + "  \"private_key\": \"-----BEGIN PRIVATE " + "KEY-----\\n" + pemBody + "\\n-----END PRIVATE KEY-----\\n\",\n"
            + "  \"client_email\": \"deployer@demo-project.iam.gserviceaccount.com\",\n  \"client_id\": \"" + Fake.Chars(Fake.Digits, 21, "gcp-cid") + "\",\n"
            + "  \"token_uri\": \"https://oauth2.googleapis.com/token\"\n}\n", pemBody);
        var gkey = "AI" + "za" + Fake.UrlSafe(35, "gcp-api");
        yield return new("secret.gcp-api-key", "web/maps.js", "const maps = load({ key: '" + gkey + "' });\n", gkey);
        var azure = Fake.B64(86, "azure-storage") + "==";
        yield return new("secret.azure-storage-key", "appsettings.json",
            "{ \"Storage\": \"DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=" + azure + ";EndpointSuffix=core.windows.net\" }\n", azure);
        var sig = Fake.B64(43, "sas") + "%3D";
        yield return new("secret.azure-sas-token", "download.sh",
            "curl 'https://demo.blob.core.windows.net/c/app.zip?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig=" + sig + "'\n", sig);
        var sak = Fake.B64(43, "sb") + "=";
        yield return new("secret.azure-shared-access-key", "local.settings.json",
            "{ \"Bus\": \"Endpoint=sb://demo.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + sak + "\" }\n", sak);
        var aad = Fake.UrlSafe(3, "aad-a") + "8" + "Q~" + Fake.UrlSafe(34, "aad-b");
        yield return new("secret.azure-ad-client-secret", ".env", "AZURE_TENANT_ID=contoso\nAZURE_CLIENT_SECRET=" + aad + "\n", aad);
        var dop = "do" + "p_v1_" + Fake.HexOf(64, "do");
        yield return new("secret.digitalocean-token", "deploy/.env", "DO_TOKEN=" + dop + "\n", dop);
        var heroku = Fake.Uuid("heroku");
        yield return new("secret.heroku-api-key", ".env", "HEROKU_API_KEY=" + heroku + "\n", heroku);
        var cf = Fake.UrlSafe(40, "cloudflare");
        yield return new("secret.cloudflare-api-token", ".github/workflows/deploy.yml", "env:\n  CLOUDFLARE_API_TOKEN: " + cf + "\n", cf);

        // ---- source hosting and registries
        foreach (var (rule, prefix) in new[]
        {
            ("secret.github-pat", "gh" + "p_"), ("secret.github-oauth-token", "gh" + "o_"),
            ("secret.github-user-to-server-token", "gh" + "u_"), ("secret.github-server-to-server-token", "gh" + "s_"),
        })
        {
            var t = TestKeys.Crc32Token(prefix, rule);
            yield return new(rule, "scripts/release.sh", "export GITHUB_TOKEN=" + t + "\n", t);
        }

        var ghr = "gh" + "r_" + F(76, "ghr");
        yield return new("secret.github-refresh-token", "tokens.json", "{ \"refresh\": \"" + ghr + "\" }\n", ghr);
        var fg = "github" + "_pat_" + F(22, "fg1") + "_" + F(59, "fg2");
        yield return new("secret.github-fine-grained-pat", "ci.yml", "password: " + fg + "\n", fg);
        var glpat = "gl" + "pat-" + Fake.UrlSafe(20, "glpat");
        yield return new("secret.gitlab-pat", ".gitlab-ci.yml", "variables:\n  PRIVATE_TOKEN: \"" + glpat + "\"\n", glpat);
        var glrt = "gl" + "rt-" + Fake.UrlSafe(20, "glrt");
        yield return new("secret.gitlab-runner-token", "config.toml", "[[runners]]\n  token = \"" + glrt + "\"\n", glrt);
        var atbb = "AT" + "BB" + F(32, "atbb");
        yield return new("secret.bitbucket-app-password", "bitbucket.env", "BITBUCKET_APP_PASSWORD=" + atbb + "\n", atbb);
        var bb = F(20, "bitbucket-ctx");
        yield return new("secret.bitbucket-app-password", "settings.py", "BITBUCKET_PASSWORD = '" + bb + "'\n", bb);
        var npm = TestKeys.Crc32Token("np" + "m_", "npm");
        yield return new("secret.npm-token", ".npmrc", "//registry.npmjs.org/:_authToken=" + npm + "\n", npm);
        var npmrc = Fake.UrlSafe(40, "npmrc");
        yield return new("secret.npmrc-auth-token", ".npmrc", "registry=https://npm.internal.corp/\n//npm.internal.corp/:_authToken=" + npmrc + "\n", npmrc);
        var pypi = TestKeys.PyPi("pypi");
        yield return new("secret.pypi-token", ".pypirc", "[pypi]\nusername = __token__\npassword = " + pypi + "\n", pypi);
        var nuget = "oy" + "2" + Fake.Chars(Fake.Lower + Fake.Digits, 43, "nuget");
        yield return new("secret.nuget-api-key", "publish.ps1", "dotnet nuget push *.nupkg -k " + nuget + " -s nuget.org\n", nuget);
        var dckr = "dckr" + "_pat_" + Fake.UrlSafe(27, "docker");
        yield return new("secret.dockerhub-pat", "build.sh", "echo " + dckr + " | docker login -u demo --password-stdin\n", dckr);

        // ---- payments
        var skLive = "sk" + "_live_" + F(24, "stripe-live");
        yield return new("secret.stripe-live-secret-key", "server/payments.js", "const stripe = require('stripe')('" + skLive + "');\n", skLive);
        var rkLive = "rk" + "_live_" + F(24, "stripe-rk");
        yield return new("secret.stripe-restricted-key", "server/payments.rb", "Stripe.api_key = \"" + rkLive + "\"\n", rkLive);
        var skTest = "sk" + "_test_" + F(24, "stripe-test");
        yield return new("secret.stripe-test-key", "server/payments.js", "const stripe = require('stripe')('" + skTest + "');\n", skTest);
        var whsec = "wh" + "sec_" + F(32, "whsec");
        yield return new("secret.stripe-webhook-secret", "webhooks.py", "endpoint_secret = '" + whsec + "'\n", whsec);
        var bt = "access_token" + "$production$" + Fake.Chars(Fake.Lower + Fake.Digits, 16, "bt1") + "$" + Fake.HexOf(32, "bt2");
        yield return new("secret.braintree-access-token", "pay.php", "$gateway = new Braintree\\Gateway(['accessToken' => '" + bt + "']);\n", bt);
        var square = "EA" + "AA" + Fake.UrlSafe(60, "square");
        yield return new("secret.square-access-token", "square.js", "const client = new Client({ accessToken: '" + square + "' });\n", square);
        var sqLegacy = "sq0" + "atp-" + Fake.UrlSafe(22, "square-legacy");
        yield return new("secret.square-access-token", "square.rb", "SQUARE_TOKEN = '" + sqLegacy + "'\n", sqLegacy);
        var sqcsp = "sq0" + "csp-" + Fake.UrlSafe(43, "square-csp");
        yield return new("secret.square-oauth-secret", "square.env", "SQUARE_APP_SECRET=" + sqcsp + "\n", sqcsp);
        foreach (var (rule, prefix) in new[]
        {
            ("secret.shopify-access-token", "shp" + "at_"), ("secret.shopify-custom-app-token", "shp" + "ca_"),
            ("secret.shopify-private-app-password", "shp" + "pa_"), ("secret.shopify-shared-secret", "shp" + "ss_"),
        })
        {
            var t = prefix + Fake.HexOf(32, rule);
            yield return new(rule, "shopify.toml", "[auth]\nvalue = \"" + t + "\"\n", t);
        }

        // ---- chat and webhooks
        var xoxb = "xo" + "xb-" + Fake.Chars(Fake.Digits, 12, "xoxb1") + "-" + Fake.Chars(Fake.Digits, 13, "xoxb2") + "-" + F(24, "xoxb3");
        yield return new("secret.slack-bot-token", "bot.py", "client = WebClient(token=\"" + xoxb + "\")\n", xoxb);
        var xoxp = "xo" + "xp-" + Fake.Chars(Fake.Digits, 12, "xoxp1") + "-" + Fake.Chars(Fake.Digits, 12, "xoxp2") + "-" + Fake.Chars(Fake.Digits, 13, "xoxp3") + "-" + Fake.HexOf(32, "xoxp4");
        yield return new("secret.slack-user-token", "slack.json", "{ \"user\": \"" + xoxp + "\" }\n", xoxp);
        var xoxa = "xo" + "xa-2-" + F(40, "xoxa");
        yield return new("secret.slack-workspace-token", "slack.env", "SLACK=" + xoxa + "\n", xoxa);
        var xapp = "xa" + "pp-1-A" + Fake.Chars(Fake.UpperDigits, 10, "xapp1") + "-" + Fake.Chars(Fake.Digits, 13, "xapp2") + "-" + Fake.HexOf(64, "xapp3");
        yield return new("secret.slack-app-token", "socket.js", "const app = new App({ appToken: '" + xapp + "' });\n", xapp);
        var slackHook = "https://hooks.slack.com/services/T" + Fake.Chars(Fake.UpperDigits, 8, "sh1") + "/B" + Fake.Chars(Fake.UpperDigits, 10, "sh2") + "/" + F(24, "sh3");
        yield return new("secret.slack-webhook-url", "notify.sh", "curl -X POST -d @msg.json " + slackHook + "\n", slackHook);
        var discord = "M" + Fake.UrlSafe(25, "dc1") + "." + Fake.UrlSafe(6, "dc2") + "." + Fake.UrlSafe(38, "dc3");
        yield return new("secret.discord-bot-token", "bot.js", "const { Client } = require('discord.js');\nclient.login('" + discord + "');\n", discord);
        var discordHook = "https://discord.com/api/webhooks/" + Fake.Chars(Fake.Digits, 18, "dh1") + "/" + Fake.UrlSafe(68, "dh2");
        yield return new("secret.discord-webhook-url", "alerts.yml", "webhook: " + discordHook + "\n", discordHook);
        var teams = "https://contoso.webhook.office.com/webhookb2/" + Fake.Uuid("t1") + "@" + Fake.Uuid("t2") + "/IncomingWebhook/" + Fake.HexOf(32, "t3") + "/" + Fake.Uuid("t4");
        yield return new("secret.msteams-webhook-url", "teams.json", "{ \"url\": \"" + teams + "\" }\n", teams);
        var telegram = Fake.Chars(Fake.Digits, 10, "tg1") + ":AA" + Fake.UrlSafe(33, "tg2");
        yield return new("secret.telegram-bot-token", "bot.py", "bot = telebot.TeleBot(\"" + telegram + "\")\n", telegram);
        var twilioSk = "S" + "K" + Fake.HexOf(32, "twilio-sk");
        yield return new("secret.twilio-api-key", "sms.js", "const client = twilio('" + twilioSk + "', process.env.TWILIO_SECRET);\n", twilioSk);
        var twilioAuth = Fake.HexOf(32, "twilio-auth");
        yield return new("secret.twilio-auth-token", ".env", "TWILIO_AUTH_TOKEN=" + twilioAuth + "\n", twilioAuth);
        var sendgrid = "S" + "G." + Fake.UrlSafe(22, "sg1") + "." + Fake.UrlSafe(43, "sg2");
        yield return new("secret.sendgrid-api-key", "mail.py", "sg = SendGridAPIClient('" + sendgrid + "')\n", sendgrid);
        var mailgun = "key" + "-" + Fake.HexOf(32, "mailgun");
        yield return new("secret.mailgun-api-key", "mail.rb", "# mailgun sending\nMG = '" + mailgun + "'\n", mailgun);
        var mailchimp = Fake.HexOf(32, "mailchimp") + "-us" + "12";
        yield return new("secret.mailchimp-api-key", "newsletter.php", "$mc = new MailchimpMarketing(['apiKey' => '" + mailchimp + "']);\n", mailchimp);

        // ---- AI providers
        var openai = "sk-" + "proj-" + Fake.UrlSafe(80, "openai");
        yield return new("secret.openai-api-key", "ai.py", "client = OpenAI(api_key=\"" + openai + "\")\n", openai);
        var openaiLegacy = "sk-" + F(20, "oa1") + "T3Blbk" + "FJ" + F(20, "oa2");
        yield return new("secret.openai-api-key", "ai.js", "const openai = new OpenAI({ apiKey: '" + openaiLegacy + "' });\n", openaiLegacy);
        var anthropic = "sk-" + "ant-api03-" + Fake.UrlSafe(93, "anthropic");
        yield return new("secret.anthropic-api-key", "agent.ts", "const client = new Anthropic({ apiKey: '" + anthropic + "' });\n", anthropic);
        var hf = "h" + "f_" + Fake.Chars(Fake.Upper + Fake.Lower, 34, "hf");
        yield return new("secret.huggingface-token", "download.py", "snapshot_download(repo_id=\"org/model\", token=\"" + hf + "\")\n", hf);

        // ---- other services
        var gocspx = "GOC" + "SPX-" + Fake.UrlSafe(28, "gocspx");
        yield return new("secret.gcp-oauth-client-secret", "client_secret.json", "{ \"web\": { \"client_secret\": \"" + gocspx + "\" } }\n", gocspx);
        var atatt = "ATA" + "TT3" + Fake.UrlSafe(180, "atlassian") + "=" + Fake.HexOf(8, "atlassian-crc").ToUpperInvariant();
        yield return new("secret.atlassian-api-token", "jira.env", "JIRA_API_TOKEN=" + atatt + "\n", atatt);
        var vault = "hv" + "s." + Fake.UrlSafe(90, "vault");
        yield return new("secret.hashicorp-vault-token", "vault.hcl", "token = \"" + vault + "\"\n", vault);
        var tfc = F(14, "tfc1") + ".atlas" + "v1." + Fake.UrlSafe(67, "tfc2");
        yield return new("secret.terraform-cloud-token", ".terraformrc", "credentials \"app.terraform.io\" {\n  token = \"" + tfc + "\"\n}\n", tfc);
        var pulumi = "pu" + "l-" + Fake.HexOf(40, "pulumi");
        yield return new("secret.pulumi-access-token", "ci.sh", "export PULUMI_ACCESS_TOKEN=" + pulumi + "\n", pulumi);
        var grafana = "gl" + "sa_" + F(32, "grafana") + "_" + Fake.HexOf(8, "grafana-crc");
        yield return new("secret.grafana-token", "grafana.ini", "[auth]\nservice_token = " + grafana + "\n", grafana);
        var nrak = "NR" + "AK-" + Fake.Chars(Fake.UpperDigits, 27, "newrelic");
        yield return new("secret.newrelic-user-api-key", "newrelic.yml", "api_key: " + nrak + "\n", nrak);
        var sentry = "sntr" + "ys_" + F(60, "sentry");
        yield return new("secret.sentry-auth-token", ".sentryclirc", "[auth]\ntoken=" + sentry + "\n", sentry);
        var linear = "lin" + "_api_" + F(40, "linear");
        yield return new("secret.linear-api-key", "linear.ts", "const linear = new LinearClient({ apiKey: \"" + linear + "\" });\n", linear);
        var age = "AGE-SECRET" + "-KEY-1" + Fake.Chars("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58, "age");
        yield return new("secret.age-secret-key", "keys.txt", "# created: 2024-01-01\n# public key: age1demo\n" + age + "\n", age);

        // ---- private keys, tokens, URLs
        // Real keys, generated at run time: the rule parses the block.
        foreach (var (path, pem) in new[]
        {
            ("deploy/id_rsa", TestKeys.RsaPkcs1), ("tls/server.key", TestKeys.RsaPkcs8), ("tls/server.enc.key", TestKeys.RsaEncryptedPkcs8),
            ("tls/ec.key", TestKeys.Ec), ("keys/id_ed25519", TestKeys.OpenSsh), ("keys/dsa.key", TestKeys.Dsa), ("keys/signing.asc", TestKeys.Pgp),
        })
        {
            yield return new("secret.private-key", path, pem + "\n", TestKeys.Body(pem));
        }

        var legacy = TestKeys.LegacyEncrypted;
        yield return new("secret.private-key", "tls/legacy.key", legacy + "\n", TestKeys.Body(legacy));
        var ppk = Fake.B64(44, "ppk-private");
        yield return new("secret.putty-private-key", "keys/deploy.ppk",
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: 2\n" + Fake.B64(64, "ppk-pub1") + "\n" + Fake.B64(20, "ppk-pub2")
            + "\nPrivate-Lines: 1\n" + ppk + "\nPrivate-MAC: " + Fake.HexOf(64, "ppk-mac") + "\n", ppk);
        var jwt = Fake.Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + Fake.Base64Url("{\"sub\":\"svc-deploy\",\"scope\":\"admin\",\"iat\":1700000000}") + "." + Fake.UrlSafe(43, "jwt-sig");
        yield return new("secret.jwt", "api/client.js", "fetch(url, { headers: { Authorization: 'Bearer " + jwt + "' } });\n", jwt);

        var pg = F(18, "pg");
        yield return new("secret.postgres-url-password", ".env", "DATABASE_URL=postgres://app:" + pg + "@db.internal:5432/app\n", pg);
        var my = F(16, "mysql");
        yield return new("secret.mysql-url-password", "config/database.yml", "production:\n  url: mysql://app:" + my + "@mysql.internal/app\n", my);
        var mongo = F(16, "mongo");
        yield return new("secret.mongodb-url-password", "db.js", "mongoose.connect('mongodb+srv://app:" + mongo + "@cluster0.abcde.mongodb.net/app');\n", mongo);
        var redis = F(16, "redis");
        yield return new("secret.redis-url-password", "cache.env", "REDIS_URL=redis://:" + redis + "@cache.internal:6379/0\n", redis);
        var amqp = F(16, "amqp");
        yield return new("secret.amqp-url-password", "worker.env", "BROKER_URL=amqps://worker:" + amqp + "@mq.internal:5671/\n", amqp);
        var urlPass = F(20, "url-cred");
        yield return new("secret.url-credentials", "requirements.txt", "--extra-index-url https://deploy:" + urlPass + "@pypi.internal.corp/simple\n", urlPass);

        // ---- generic assignments, in the syntaxes the rule documents
        var pw1 = F(19, "gp1") + "7";
        yield return new("secret.generic-password", ".env", "DB_HOST=db\nDB_PASSWORD=" + pw1 + "\n", pw1);
        var pw2 = F(15, "gp2") + "4!";
        yield return new("secret.generic-password", "config/app.yml", "database:\n  password: \"" + pw2 + "\"\n", pw2);
        var pw3 = F(17, "gp3") + "2";
        yield return new("secret.generic-password", "src/main/resources/application.properties", "spring.datasource.password=" + pw3 + "\n", pw3);
        var pw4 = F(14, "gp4") + "9";
        yield return new("secret.generic-password", "Db.cs", "var cs = \"Server=db;User Id=app;Password=" + pw4 + ";\";\n", pw4);
        var key1 = F(31, "gk1") + "3";
        yield return new("secret.generic-api-key", "appsettings.json", "{ \"Auth\": { \"client_secret\": \"" + key1 + "\" } }\n", key1);
        var key2 = F(27, "gk2") + "8";
        yield return new("secret.generic-api-key", "src/api.ts", "const apiKey = '" + key2 + "';\n", key2);
        var key3 = F(23, "gk3") + "1";
        yield return new("secret.generic-api-key", "settings.py", "SECRET_KEY = \"" + key3 + "\"\n", key3);
        var key4 = F(39, "gk4") + "5";
        yield return new("secret.generic-api-key", "oauth.go", "clientSecret := \"" + key4 + "\"\n", key4);

        // ---- Gatehouse's own formats
        var pat = "gatehouse" + "_pat_" + Fake.Chars("abcdefghijklmnopqrstuvwxyz234567", 12, "gh-id") + "_" + F(40, "gh-secret");
        yield return new("secret.gatehouse-pat", "scripts/submit.sh", "gatehouse submit --token " + pat + " app.zip\n", pat);
        var ghkBody = "ghk" + "_live_" + F(11, "ghk-id") + "_" + F(33, "ghk-secret");
        var ghk = ghkBody + Gatehouse.Analysis.Analyzers.Secrets.GatehouseApiKeyFormat.Checksum(ghkBody);
        yield return new("secret.gatehouse-api-key", "integration.env", "GATEHOUSE_KEY=" + ghk + "\n", ghk);
    }

    public static TheoryData<SecretSample> Theory()
    {
        var data = new TheoryData<SecretSample>();
        foreach (var s in All()) data.Add(s);
        return data;
    }
}
