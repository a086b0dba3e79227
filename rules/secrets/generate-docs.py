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

## Allow-lists

These stay quiet, and each is proven by a test (`SecretAllowListTests`):

| entry | what it skips |
|---|---|
{allow_rows}| lockfiles | the generic rules do not run in {lockfiles}: they hold machine-written hashes. Specific rules (tokens) still run. |
| base64 images | matches inside a `data:image/…;base64,…` URI |
| documented examples | AWS `AKIAIOSFODNN7EXAMPLE` / `…EXAMPLEKEY`, the jwt.io sample token, the Azurite development storage key |
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
