#!/usr/bin/env python3
"""Writes the planted set of bench/secrets-precision.sh: realistic project files with live-format secrets.

usage: plant.py OUTDIR

Every value is random, generated now, and valid for its format: right prefix, alphabet and length, and the
checksum where the provider has one (GitHub and npm CRC-32/base62, Gatehouse ghk_, age bech32, JWT HMAC).
Private keys come from openssl, ssh-keygen and gpg when they are on the machine.

OUTDIR/tree/...      the files (scanned by both tools)
OUTDIR/labels.json   [{"file", "line", "endLine", "provider", "value", "expect"}]
    expect "secret": a planted secret, recall counts it (found = a finding of the tool on that file and line range)
    expect "none":   a decoy a careful scanner leaves alone (documented example key, placeholder, truncated key);
                     a finding at medium or above on it is a false positive
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import uuid
import zlib

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "-_"


def rand(alphabet, n):
    return "".join(secrets.choice(alphabet) for _ in range(n))


def base62(n, width):
    out = ""
    while n > 0:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def crc_b62(text):
    return base62(zlib.crc32(text.encode("ascii")), 6)


def github_classic(prefix):
    # GitHub 2021 token format: 30 random base62 characters, then the CRC-32 of them in 6 base62 characters.
    body = rand(ALNUM, 30)
    return prefix + body + crc_b62(body)


def github_fine_grained():
    # github_pat_<22>_<59>: GitHub does not publish this checksum; like the classic format, the last 6 characters
    # here are the base62 CRC-32 of the rest of the last part (the convention open scanners check).
    tail = rand(ALNUM, 53)
    return "github_pat_" + rand(ALNUM, 22) + "_" + tail + crc_b62(tail)


def gatehouse_key():
    # src/Gatehouse.Analysis/Analyzers/Secrets/GatehouseApiKeyFormat.cs
    key_id = base62(int.from_bytes(secrets.token_bytes(8), "little"), 11)
    secret = base62(int.from_bytes(secrets.token_bytes(24), "little"), 33)
    body = "ghk_live_" + key_id + "_" + secret
    return body + crc_b62(body)


def bech32_encode(hrp, data_bytes):
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    acc, bits, data = 0, 0, []
    for b in data_bytes:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)

    def polymod(values):
        gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
        chk = 1
        for v in values:
            top = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ v
            for i in range(5):
                chk ^= gen[i] if ((top >> i) & 1) else 0
        return chk

    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = polymod(expanded + data + [0] * 6) ^ 1
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(charset[d] for d in data + checksum)


def pypi_token():
    # pypi- and a base64url macaroon in the libmacaroons v2 binary format, as PyPI mints them: location
    # pypi.org, a UUID identifier, one first-party caveat, and the HMAC-SHA256 chained signature (random root key).
    def field(kind, data):
        return bytes([kind, len(data)]) + data
    identifier = str(uuid.uuid4()).encode()
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode()
    sig = hmac.new(secrets.token_bytes(32), identifier, hashlib.sha256).digest()
    sig = hmac.new(sig, caveat, hashlib.sha256).digest()
    raw = (b"\x02" + field(1, b"pypi.org") + field(2, identifier) + b"\x00"
           + field(2, caveat) + b"\x00" + b"\x00" + field(6, sig))
    return "pypi-" + b64url(raw)


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt():
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64url(json.dumps({"sub": rand(HEX, 24), "role": "service", "iat": 1764892800},
                                separators=(",", ":")).encode())
    sig = b64url(hmac.new(secrets.token_bytes(32), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{sig}"


def password(n=20):
    # What a password manager makes: letters, digits and a few URL-safe symbols.
    return rand(ALNUM + "-_.~", n - 2) + secrets.choice(string.digits) + secrets.choice("-_~")


def run_quiet(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **kw).stdout


def private_keys(tmp):
    """(provider, PEM text) for every key type this machine can make now."""
    keys = []
    if shutil.which("openssl"):
        keys.append(("rsa-pkcs8-private-key", run_quiet(["openssl", "genpkey", "-algorithm", "RSA",
                                                           "-pkeyopt", "rsa_keygen_bits:2048"]).decode()))
        keys.append(("rsa-pkcs1-private-key", run_quiet(["openssl", "genrsa", "-traditional", "2048"]).decode()))
        keys.append(("ec-private-key", run_quiet(["openssl", "ecparam", "-name", "prime256v1", "-genkey",
                                                  "-noout"]).decode()))
    if shutil.which("ssh-keygen"):
        path = os.path.join(tmp, "id_ed25519")
        run_quiet(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deploy@build-01", "-f", path])
        with open(path) as f:
            keys.append(("openssh-private-key", f.read()))
    if shutil.which("gpg"):
        home = os.path.join(tmp, "gnupg")
        os.makedirs(home, mode=0o700)
        env = dict(os.environ, GNUPGHOME=home)
        run_quiet(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key",
                   "Release Signing <release@acme-apps.io>", "ed25519", "sign", "never"], env=env)
        text = run_quiet(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--armor",
                          "--export-secret-keys"], env=env).decode()
        keys.append(("pgp-private-key", text))
        subprocess.run(["gpgconf", "--kill", "all"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return keys


class Planter:
    def __init__(self, root):
        self.root = root
        self.labels = []

    def file(self, rel, parts):
        """parts: str (plain text) or (provider, value, text, expect) where text contains value."""
        lines = []
        for p in parts:
            if isinstance(p, str):
                lines.extend(p.split("\n"))
                continue
            provider, value, text, expect = p
            start = len(lines) + 1
            chunk = text.split("\n")
            lines.extend(chunk)
            # A multi-line block (a private key) is labelled from its first to its last line.
            self.labels.append({"file": rel, "line": start, "endLine": start + len(chunk) - 1,
                                "provider": provider, "value": value, "expect": expect})
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")


def S(provider, value, text=None):
    return (provider, value, text if text is not None else value, "secret")


def D(provider, value, text):
    return (provider, value, text, "none")


def main():
    out = sys.argv[1]
    tree = os.path.join(out, "tree")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(tree)
    p = Planter(tree)

    aws_id = "AKIA" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    aws_secret = rand(ALNUM + "+/", 40)
    gh = github_classic("ghp_")
    npm = github_classic("npm_")
    slack_bot = f"xoxb-{rand(string.digits, 12)}-{rand(string.digits, 13)}-{rand(ALNUM, 24)}"
    slack_user = f"xoxp-{rand(string.digits, 12)}-{rand(string.digits, 12)}-{rand(string.digits, 13)}-{rand(HEX, 32)}"
    slack_hook = (f"https://hooks.slack.com/services/T{rand(string.ascii_uppercase + string.digits, 10)}"
                  f"/B{rand(string.ascii_uppercase + string.digits, 10)}/{rand(ALNUM, 24)}")
    stripe = "sk_live_51" + rand(ALNUM, 97)
    google = "AIza" + rand(URLSAFE, 35)
    gitlab = "glpat-" + rand(URLSAFE, 20)
    sendgrid = "SG." + rand(URLSAFE, 22) + "." + rand(URLSAFE, 43)
    twilio_sid = "AC" + rand(HEX, 32)
    twilio_key = "SK" + rand(HEX, 32)
    twilio_token = rand(HEX, 32)
    shopify = "shpat_" + rand(HEX, 32)
    pypi = pypi_token()
    azure_key = base64.b64encode(secrets.token_bytes(64)).decode()
    azure_conn = (f"DefaultEndpointsProtocol=https;AccountName=acmeprodassets;AccountKey={azure_key};"
                  "EndpointSuffix=core.windows.net")
    mailgun = f"{rand(HEX, 32)}-{rand(HEX, 8)}-{rand(HEX, 8)}"
    digitalocean = "dop_v1_" + rand(HEX, 64)
    vault = "hvs.CAESI" + rand(URLSAFE, 86)
    atlassian = "ATATT3xFfGF0" + rand(URLSAFE, 170) + "=" + rand(HEX, 8).upper()
    databricks = "dapi" + rand(HEX, 32)
    pg_pw, mongo_pw, redis_pw = password(), password(24), password(32)
    pg_url = f"postgresql://billing_app:{pg_pw}@billing-db.prod.acme-apps.io:5432/billing"
    mongo_url = f"mongodb+srv://orders-svc:{mongo_pw}@cluster0.x7k2p.mongodb.net/orders?retryWrites=true"
    redis_url = f"rediss://default:{redis_pw}@cache.prod.acme-apps.io:6380/0"
    token = jwt()
    ghk = gatehouse_key()
    openai = "sk-proj-" + rand(URLSAFE, 156)
    anthropic = "sk-ant-api03-" + rand(URLSAFE, 93) + "AA"
    hf = "hf_" + rand(ALNUM, 34)
    docker = "dckr_pat_" + rand(URLSAFE, 27)
    telegram = f"{rand(string.digits, 10)}:AA{rand(URLSAFE, 33)}"
    discord = f"https://discord.com/api/webhooks/{rand(string.digits, 19)}/{rand(URLSAFE, 68)}"
    nuget = "oy2" + rand(string.ascii_lowercase + string.digits, 43)
    age = bech32_encode("age-secret-key-", secrets.token_bytes(32)).upper()

    p.file("billing-service/.env", [
        "# billing-service production settings",
        "NODE_ENV=production",
        "PORT=8080",
        S("aws-access-key-id", aws_id, f"AWS_ACCESS_KEY_ID={aws_id}"),
        S("aws-secret-access-key", aws_secret, f"AWS_SECRET_ACCESS_KEY={aws_secret}"),
        "AWS_REGION=eu-central-1",
        S("stripe-live-secret-key", stripe, f"STRIPE_SECRET_KEY={stripe}"),
        S("postgres-url-password", pg_pw, f"DATABASE_URL={pg_url}"),
        S("sendgrid-api-key", sendgrid, f"SENDGRID_API_KEY={sendgrid}"),
        "LOG_LEVEL=info",
        D("placeholder-password", "changeme", "SMTP_PASSWORD=changeme"),
    ])
    p.file("billing-service/config/production.json", [
        "{",
        '  "service": "billing",',
        '  "slack": {',
        S("slack-bot-token", slack_bot, f'    "botToken": "{slack_bot}",'),
        S("slack-webhook-url", slack_hook, f'    "alertsWebhook": "{slack_hook}"'),
        "  },",
        '  "twilio": {',
        f'    "accountSid": "{twilio_sid}",',
        S("twilio-api-key", twilio_key, f'    "apiKeySid": "{twilio_key}",'),
        S("twilio-auth-token", twilio_token, f'    "twilioAuthToken": "{twilio_token}"'),
        "  },",
        '  "mailgun": {',
        '    "domain": "mg.acme-apps.io",',
        S("mailgun-api-key", mailgun, f'    "apiKey": "{mailgun}"'),
        "  },",
        S("shopify-access-token", shopify, f'  "shopifyAdminToken": "{shopify}",'),
        '  "featureFlags": { "newCheckout": true }',
        "}",
    ])
    p.file("web-frontend/src/app.js", [
        "import express from 'express';",
        "import { Octokit } from '@octokit/rest';",
        "",
        "const app = express();",
        S("github-pat", gh, f"const octokit = new Octokit({{ auth: '{gh}' }});"),
        S("gcp-api-key", google, f"const MAPS_KEY = \"{google}\";"),
        "",
        "app.get('/health', (req, res) => res.json({ ok: true }));",
        S("jwt", token, f"const serviceToken = '{token}';"),
        S("openai-api-key", openai, f"const openaiClient = new OpenAI({{ apiKey: '{openai}' }});"),
        D("aws-documented-example", "AKIAIOSFODNN7EXAMPLE", "// e.g. AKIAIOSFODNN7EXAMPLE (the AWS docs' example key id)"),
        "app.listen(process.env.PORT || 3000);",
    ])
    p.file("web-frontend/.npmrc", [
        "registry=https://registry.npmjs.org/",
        S("npm-token", npm, f"//registry.npmjs.org/:_authToken={npm}"),
        "always-auth=true",
    ])
    p.file("analytics/settings.py", [
        "import os",
        "",
        "DEBUG = False",
        "ALLOWED_HOSTS = ['analytics.acme-apps.io']",
        S("mongodb-url-password", mongo_pw, f"MONGO_URI = '{mongo_url}'"),
        S("databricks-token", databricks, f"DATABRICKS_TOKEN = '{databricks}'"),
        S("huggingface-token", hf, f"HF_TOKEN = \"{hf}\""),
        S("anthropic-api-key", anthropic, f"ANTHROPIC_API_KEY = \"{anthropic}\""),
        D("env-reference", "${DB_PASSWORD}", "DB_PASSWORD = os.environ.get('DB_PASSWORD', '${DB_PASSWORD}')"),
        "TIME_ZONE = 'UTC'",
    ])
    p.file("deploy/docker-compose.yml", [
        "services:",
        "  api:",
        "    image: ghcr.io/acme-apps/api:1.4.2",
        "    environment:",
        S("gitlab-pat", gitlab, f"      GITLAB_TOKEN: {gitlab}"),
        S("redis-url-password", redis_pw, f"      REDIS_URL: {redis_url}"),
        S("hashicorp-vault-token", vault, f"      VAULT_TOKEN: {vault}"),
        "  db:",
        "    image: postgres:16",
        "    environment:",
        D("placeholder-url", "pass", "      DATABASE_URL: postgres://user:pass@localhost:5432/app"),
    ])
    p.file("deploy/terraform/main.tf", [
        'terraform {',
        '  required_providers {',
        '    digitalocean = { source = "digitalocean/digitalocean" }',
        '  }',
        '}',
        '',
        'provider "digitalocean" {',
        S("digitalocean-token", digitalocean, f'  token = "{digitalocean}"'),
        '}',
        '',
        'resource "azurerm_storage_account" "assets" {',
        '  name = "acmeprodassets"',
        '}',
        S("azure-storage-connection-string", azure_key,
          f'variable "storage_connection" {{ default = "{azure_conn}" }}'),
    ])
    p.file("dotnet-api/appsettings.Production.json", [
        "{",
        '  "Logging": { "LogLevel": { "Default": "Warning" } },',
        '  "Gatehouse": {',
        '    "Server": "https://gatehouse.acme-apps.io",',
        S("gatehouse-api-key", ghk, f'    "ApiKey": "{ghk}"'),
        "  },",
        '  "NuGet": {',
        S("nuget-api-key", nuget, f'    "PushKey": "{nuget}"'),
        "  },",
        '  "Atlassian": {',
        S("atlassian-api-token", atlassian, f'    "JiraToken": "{atlassian}"'),
        "  },",
        '  "ConnectionStrings": {',
        D("placeholder-connection", "<password>",
          '    "Default": "Host=localhost;Database=app;Username=app;Password=<password>"'),
        "  }",
        "}",
    ])
    p.file("release-tools/README.md", [
        "# release-tools",
        "",
        "Scripts that publish our packages. The CI variables they read:",
        "",
        "```sh",
        S("pypi-token", pypi, f"export TWINE_PASSWORD={pypi}"),
        S("github-fine-grained-pat", github_fine_grained_value := github_fine_grained(),
          f"export GH_TOKEN={github_fine_grained_value}"),
        S("dockerhub-pat", docker, f"echo {docker} | docker login -u acmebot --password-stdin"),
        "```",
        "",
        "Never paste a real key into an issue. A key looks like this (truncated):",
        "",
        "```",
        D("truncated-private-key", "MIIEvQIBADANBg...",
          "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg...\n-----END PRIVATE KEY-----"),
        "```",
    ])
    p.file("sdk/index.d.ts", [
        "/**",
        " * Client for the Acme Apps notification API.",
        " * @example",
        " * const client = new NotifyClient({ token: process.env.NOTIFY_TOKEN });",
        " */",
        "export declare class NotifyClient {",
        "    constructor(options: { token: string });",
        "}",
        S("telegram-bot-token", telegram, f"export declare const defaultBotToken = \"{telegram}\";"),
        S("discord-webhook-url", discord, f"export declare const alertsHook = \"{discord}\";"),
        S("slack-user-token", slack_user, f"export declare const slackUserToken = \"{slack_user}\";"),
    ])
    p.file("ops/age-identity.txt", [
        "# created: 2026-12-01T09:00:00Z",
        "# public key: age1" + rand("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58),
        S("age-secret-key", age),
    ])
    # Context lowers generic findings in bundles and docs, but never hides a verified secret.
    stripe_bundled = "sk_live_51" + rand(ALNUM, 97)
    p.file("web-frontend/dist/app.min.js", [
        S("stripe-live-secret-key", stripe_bundled,
          "!function(){\"use strict\";var e={apiBase:\"https://api.acme-apps.io\",retries:3},t=function(n){return "
          "n&&n.__esModule?n:{default:n}};var r={pk:\"pk_live_" + rand(ALNUM, 24) + "\",sk:\"" + stripe_bundled +
          "\"};function o(n,i){return fetch(e.apiBase+n,{headers:{Authorization:\"Bearer \"+r.sk},body:JSON.stringify(i)})}"
          "window.acmeCheckout={charge:o,config:e,keys:t(r)}}();"),
    ])
    aws_id_docs = "AKIA" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    p.file("release-tools/docs/publishing.md", [
        "# Publishing",
        "",
        "The release bucket is written with the CI user's key:",
        "",
        S("aws-access-key-id", aws_id_docs, f"    aws configure set aws_access_key_id {aws_id_docs}"),
        "",
        "Rotate it every 90 days.",
    ])
    with tempfile.TemporaryDirectory() as tmp:
        keys = private_keys(tmp)
        pkcs8 = next((pem for provider, pem in keys if provider == "rsa-pkcs8-private-key"), None)
        if pkcs8:
            # A GCP service-account key file: the PEM sits in a JSON string with escaped newlines.
            escaped = json.dumps(pkcs8.strip() + "\n")
            p.file("analytics/gcp-service-account.json", [
                "{",
                '  "type": "service_account",',
                '  "project_id": "acme-analytics-prod",',
                f'  "private_key_id": "{rand(HEX, 40)}",',
                S("gcp-service-account-key", pkcs8.strip().split("\n")[1], f'  "private_key": {escaped},'),
                f'  "client_email": "etl@acme-analytics-prod.iam.gserviceaccount.com",',
                f'  "client_id": "{rand(string.digits, 21)}",',
                '  "token_uri": "https://oauth2.googleapis.com/token"',
                "}",
            ])
        for provider, pem in keys:
            pem = pem.strip()
            name = {"openssh-private-key": "ops/ssh/id_ed25519", "pgp-private-key": "ops/release-signing.asc",
                    "ec-private-key": "ops/tls/ec-server.key", "rsa-pkcs1-private-key": "ops/tls/legacy-rsa.pem",
                    "rsa-pkcs8-private-key": "ops/tls/server.key"}[provider]
            p.file(name, [S(provider, pem)])
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump(p.labels, f, indent=1)
    secrets_n = sum(1 for l in p.labels if l["expect"] == "secret")
    print(f"planted: {secrets_n} secrets ({len({l['provider'] for l in p.labels if l['expect'] == 'secret'})} "
          f"providers) and {len(p.labels) - secrets_n} decoys in "
          f"{len({l['file'] for l in p.labels})} files")


if __name__ == "__main__":
    main()
