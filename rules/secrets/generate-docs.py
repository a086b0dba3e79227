#!/usr/bin/env python3
"""Writes docs/rules/secret.md and docs/rules/secret.<kind>.md from rules/secrets/rules.json.

Run from anywhere after changing the rules: python3 rules/secrets/generate-docs.py
The test Every_rule_has_a_doc_page_and_a_row_in_the_index checks the pages exist.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = json.loads((ROOT / "rules" / "secrets" / "rules.json").read_text(encoding="utf-8"))
DOCS = ROOT / "docs" / "rules"
ANALYZER = "`secrets` 1.1.0"
VERIFYING = {"gatehouse-api-key", "crc32-base62", "private-key", "pypi-macaroon", "aws-secret"}
SEVERITY_ORDER = {"Critical": 0, "High": 1, "Medium": 2, "Low": 3, "Info": 4}


def md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def page(rule: dict) -> str:
    rid, title, sev = rule["id"], rule["title"], rule["severity"]
    notes = []
    if rule.get("generic"):
        notes.append("A generic rule: it runs after the specific rules (a value one of them reports is not reported again) and is skipped in lockfiles.")
    if rule.get("entropy"):
        notes.append(f"The value must reach {rule['entropy']} bits of Shannon entropy per character, so repeated or dictionary-like values stay quiet.")
    if rule.get("requiresAll"):
        notes.append("Only reported when the file also mentions " + ", ".join(f"`{w}`" for w in rule["requiresAll"]) + ".")
    if rule.get("validate") == "jwt":
        notes.append("The header must decode to JSON with an `alg` member; tokens without a signature part are not reported.")
    if rule.get("validate") == "gatehouse-api-key":
        notes.append("The CRC-32 checksum in the last 6 characters must match (`GatehouseApiKeyFormat`, the same code the server uses to issue and check keys); a look-alike or a mistyped key is not reported. See [docs/api-keys.md](../api-keys.md).")
    if rule.get("validate") == "crc32-base62":
        notes.append("The 2021 token format: 30 base62 characters and the CRC-32 of those 30 characters in the last 6 (base62). A value whose checksum does not match is a look-alike and is not reported (nor by a generic rule).")
    if rule["id"] == "secret.github-refresh-token":
        notes.append("Refresh tokens longer than 40 characters have no documented checksum layout: they are reported unverified.")
    if rule["id"] == "secret.github-fine-grained-pat":
        notes.append("GitHub documents no public checksum for `github_pat_` tokens, so they are matched by structure only (unverified).")
    if rule.get("validate") == "private-key":
        notes.append("The block must be complete (BEGIN to the matching END line, at most 64 KiB) and its body must decode and parse as the key the header names (BouncyCastle): PKCS#1 RSA (the modulus must equal p·q), SEC 1 EC, DSA (y = g^x mod p), PKCS#8, encrypted PKCS#8, legacy `Proc-Type: 4,ENCRYPTED` PEM (cipher, IV and whole cipher blocks), OpenSSH `openssh-key-v1` (a known key type; unencrypted: equal check integers, the same key type, and RSA/ECDSA/Ed25519 material that parses; encrypted: whole blocks of a known cipher, plus the 16-byte tag of AES-GCM and ChaCha20-Poly1305) and armored PGP secret keys (CRC-24 checked). Bytes after the key's DER (block padding left by a decryption) are ignored. Truncated (`MIIE...`), placeholder (`xxxx`) or random bodies are not keys.")
    if rule.get("validate") == "pypi-macaroon":
        notes.append("Verified when the token decodes to a version-2 macaroon for pypi.org with an identifier and a 32-byte signature; a token that does not decode (mangled, or made up) is still reported, unverified.")
    if rule.get("validate") == "aws-secret":
        notes.append("Verified when an AWS access key ID (base32 body, not a documented example) stands within 512 characters of it (a credentials file or CSV); otherwise reported unverified.")
    if rule.get("validate") in VERIFYING:
        notes.append("**Verified** when the check passes: context (documentation, comments, source maps, minified files) never lowers it.")
    if rule.get("distinctive"):
        notes.append("**Distinctive format**: the provider prefix and exact shape are strong evidence on their own, so context (documentation, comments, source maps, minified files) does not lower it; documented examples, placeholders and low-entropy values are still not reported.")
    elif rule.get("validate") in VERIFYING:
        notes.append("A value that fails the check is not reported; one that passes keeps its severity in any context.")
    else:
        notes.append("**Unverified** (no checksum or structure to prove it): in context (documentation, examples, comments, source maps, minified lines) it is lowered to low" + (", and dropped when the rule is generic." if rule.get("generic") else "."))
    if rule.get("lowerName"):
        notes.append("A password for a local host (localhost, 127.x, ::1, host.docker.internal) is reported as low: it opens nothing a downloader can reach, but a random one may be reused elsewhere, so it stays visible.")
    if rule.get("minClasses"):
        notes.append(f"The value must use at least {rule['minClasses']} character classes (upper case, lower case, digits, other).")
    if rule.get("identifierWordLength"):
        notes.append(f"A value that reads as an identifier (identifier characters, digits only as a suffix, words of {rule['identifierWordLength']}+ letters on average: `defaultConfig2`, `prevToken2`, `ReactCurrentOwner$1`) is not a secret.")
    if rule.get("codeNeedsString"):
        notes.append("In program source the value must be inside a string literal: `token: prevToken2` or `secret = config.value` is an expression, not a secret.")
    if rule.get("scanBinary"):
        notes.append("Also searched in binary files (a NUL byte in the first 8 KiB), where every other rule is skipped.")
    if rule.get("allow"):
        notes.append("Rule allow-list (regexes on the value): " + ", ".join(f"`{a}`" for a in rule["allow"]) + ".")
    if rule.get("ignoreGlobalAllow"):
        notes.append("Not silenced by the global allow-list entries " + ", ".join(f"`{a}`" for a in rule["ignoreGlobalAllow"]) + ".")
    notes_md = "".join(f"- {n}\n" for n in notes) + ("\n" if notes else "")
    keywords = ", ".join(f"`{k}`" for k in rule["keywords"])
    return f"""# `{rid}`

**Severity:** {sev.lower()} · **Requirement:** {rule['requirementId']} (no secrets in shipped files) · **Analyzer:** {ANALYZER}

## What it detects

{rule['description']}

{notes_md}Pre-filter keywords (case-insensitive): {keywords}. Pattern: see `rules/secrets/rules.json`.

## Why it matters

Everything in a submitted file is readable by everyone who downloads the app. A credential in it lets
anyone act as its owner until it is revoked; deleting it from the next version does not un-publish it.

## How to fix

1. **Rotate first.** {rule['rotate']}
2. **Remove it** from the files (and from the repository history if it was committed), and load the new
   value at run time: environment variables, the platform's secret store, or a key vault.
3. If the finding is a false positive (a test fixture, a documented example), ask the reviewer to suppress
   it by fingerprint; it stays suppressed across versions while the value and path stay the same.

## Example

```
app.zip!/config/settings.env
  {rid} ({sev.lower()}): {title} in app.zip!/config/settings.env line 12
  evidence: abcd…wxyz   (first and last four characters; "[redacted]" when shorter than 12)
```

See [all secret rules](secret.md).
"""


def index(rules: list) -> str:
    rows = "".join(
        f"| [`{r['id']}`]({r['id']}.md) | {r['severity'].lower()} | {md_cell(r['title'])} | {md_cell(r['rotate'])} |\n"
        for r in rules
    )
    allow_rows = "".join(
        f"| `{g['id']}` | {md_cell(g['description'])}{' (generic rules only)' if g.get('generic') else ''} |\n"
        for g in RULES["globalAllow"]
    )
    lockfiles = ", ".join(f"`{n}`" for n in RULES["lockfiles"])
    CTX = RULES["context"]
    return f"""# Secret rules (`secret.*`)

**Requirement:** GH-SEC-1 · **Analyzer:** {ANALYZER} · **Rules:** {len(rules)} · **Source:** `rules/secrets/rules.json`

The secrets analyzer reads every file of a submission (archive members included) and reports
credentials: cloud keys, source-hosting and registry tokens, payment keys, chat webhooks, private keys,
JWTs, database URLs with passwords and generic `password = "…"` / `api_key: …` assignments.

## How findings look

- **Evidence is redacted**: the first and last four characters with an ellipsis (`ghp_…x9Qz`), or
  `[redacted]` for values shorter than 12 characters. No field of a finding holds the secret in clear.
- **Fingerprint** = `Fingerprints.Of(ruleId, path, sha256-hex(secret))`: stable across rescans, different
  for a different secret, and it does not contain the value.
- **Message**: `<title> in <path> line <n>`. One finding per distinct secret per rule per file (the first
  occurrence).
- A value is reported by one rule only: specific rules run first, the generic rules skip spans already taken.

## Limits (hostile input)

- The file is streamed in 1 MiB windows with at least 16 KiB of overlap, so a single 20 MB line costs one
  window of memory; secrets up to 16 KiB long are never cut.
- Regexes run on the .NET non-backtracking engine (linear time); each rule runs only on windows containing
  one of its keywords. Capture groups are read afterwards from the matched span alone.
- Binary files (a NUL byte in the first 8 KiB; UTF-16 with a byte-order mark counts as text) are searched
  for PEM private keys only.
- At most 100 findings per file; the 100th says the rest of the file was not searched.

## Verify before accusing

Every match gets a strength:

- **verified**: the value proves itself. A checksum matches (GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`,
  npm `npm_`, Gatehouse `ghk_`), a private key block parses as a key (BouncyCastle), a PyPI token decodes to
  its macaroon, an AWS secret key stands beside its access key ID. A value that fails its check is a
  look-alike: it is not reported, and no generic rule reports it either.
- **distinctive**: no checksum, but a provider prefix and exact shape that prose and code do not produce
  by accident (`sk_live_`, `xoxb-`, `AKIA` + base32, `glpat-`, `SG.…`, `dop_v1_`, `hvs.`, `shpat_`, `github_pat_`,
  ...; `distinctive` in the rules file). GitHub documents no public checksum for fine-grained `github_pat_`
  tokens, Slack, Shopify, GitLab and most providers none at all, so their rules are distinctive, not verified.
- **unverified**: evidence that depends on its surroundings: connection URLs, JWTs, keyword-assigned keys
  (`aws_secret_access_key = …` without its key ID, Twilio, Mailgun, Heroku, Azure keys) and the generic rules.

**Context lowers only unverified findings** (verified and distinctive ones keep their severity everywhere: a
real AWS key pair, a checksum-valid token or an `sk_live_` key in a README still rejects). Documented examples,
placeholders and low-entropy values are never reported in any context. An unverified finding goes down to
**low**, and a generic one is dropped, when it is:

| context | how it is recognised (`context` in `rules/secrets/rules.json`) |
|---|---|
| in a source map | {", ".join(f"`{x}`" for x in CTX["sourceMapExtensions"])} files repeat a bundled file that is scanned itself |
| minified | names ending {", ".join(f"`{x}`" for x in CTX["minifiedSuffixes"])}, or a line of {CTX["longLine"]} characters or more |
| documentation (folders in every layer of a nested path: `usr/share/man/…/x.1.gz!/x.1`) | names ending {", ".join(f"`{x}`" for x in CTX["documentationExtensions"])}; names starting {", ".join(f"`{x}`" for x in CTX["documentationNames"])}; a folder or a part of the file name (split at `.`, `-`, `_`) that is one of {", ".join(f"`{x}`" for x in CTX["documentationDirectories"])} |
| an example value | the text before it on its line matches `{md_cell(CTX["exampleLine"])}` (OpenAPI/JSON `"example":`, `@example`, `e.g.`) |
| a comment | the text before it on its line matches `{md_cell(CTX["commentLine"])}` |
| a local host | connection URLs whose host is localhost, 127.x, ::1 or host.docker.internal |

Lowered findings say so in their message (`… (unverified, in documentation: lowered to low)`), verified
ones name their proof (`… (verified: checksum valid)`).

**Generic rules** (`secret.generic-api-key`, `secret.generic-password`) need a keyword assignment **and** a
value that is not a placeholder, not an identifier (`defaultConfig2`, `ReactCurrentOwner$1`), not a reference
(`a.b.c`, `process.env.X`, an unquoted expression in program source: {", ".join(f"`{x}`" for x in CTX["codeExtensions"][:8])}, …),
at least 12 characters with at least 3.5 bits of entropy per character, a digit, and two character classes.
Measured with `bench/secrets-precision.sh` (79 popular npm, NuGet and Debian packages, and 43 planted secrets
of 41 providers): rules 1.1.0 flagged 19 benign packages with 84 secret findings at medium or above, 1.2.0
flags none, and recall on the planted set stays 43/43 at medium or above. On 18 more npm packages measured by
hand, 1.2.0 flags two: ssh2 and jsrsasign ship real, parseable private keys as test fixtures, and a verified
key keeps its severity (a reviewer suppresses it by fingerprint).

## Allow-lists

These stay quiet, and each is proven by a test (`SecretAllowListTests`):

| entry | what it skips |
|---|---|
{allow_rows}| lockfiles | the generic rules do not run in {lockfiles}: they hold machine-written hashes. Specific rules (tokens) still run. |
| base64 images | matches inside a `data:image/…;base64,…` URI |
| documented examples | AWS `AKIAIOSFODNN7EXAMPLE` / `…EXAMPLEKEY`, Stripe's documented test keys, the jwt.io sample token, the Azurite development storage key |
| placeholder passwords and example hosts | connection URLs whose password is `password`, `pass`, `<…>`, `${{…}}`, `{{{{…}}}}`, `%s`, `*****`, contains `passw`, `secret`, `example`, `your`…, or whose host is `example.com/.org/.net`, `*.example`, `*.test`, `host`, `your-…`, `my-host…` |
| generic names | `…_id`, `…_url`, `…_path`, `…_type`, `public_key`, `publishable_key` and similar names are not credentials |

**Stripe test keys** (`sk_test_`, `rk_test_`) are reported as [`secret.stripe-test-key`](secret.stripe-test-key.md)
with severity **low**: they cannot move money, so they neither reject nor send to review under the default
policy, but they are visible to the reviewer and suggest live keys may be handled the same way.

**Gatehouse API keys** (`ghk_live_…`, `ghk_test_…`): [`secret.gatehouse-api-key`](secret.gatehouse-api-key.md) reports only
values whose CRC-32 checksum is valid, so a match is a real key and a look-alike is silent ([format](../api-keys.md)).
Test keys are reported at the same severity: they still authenticate, and suggest live keys are handled the same way.

## Rules

| rule | severity | detects | rotate / remove |
|---|---|---|---|
{rows}
Regenerate this page and the per-rule pages with `python3 rules/secrets/generate-docs.py`.
"""


def main() -> None:
    rules = sorted(RULES["rules"], key=lambda r: r["id"])
    DOCS.mkdir(parents=True, exist_ok=True)
    for rule in rules:
        (DOCS / f"{rule['id']}.md").write_text(page(rule), encoding="utf-8")
    (DOCS / "secret.md").write_text(index(rules), encoding="utf-8")
    print(f"wrote {len(rules)} rule pages and secret.md to {DOCS}")


if __name__ == "__main__":
    main()
