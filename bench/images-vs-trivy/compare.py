#!/usr/bin/env python3
"""Side by side for bench/images-vs-trivy.sh: one image's Trivy results (secrets + image-config misconfigurations JSON,
CycloneDX) against Gatehouse's (`gatehouse check --format json`, the package list of Packages.cs). Prints what each finds
that the other misses, with the reason where the difference is by design, and one machine-readable summary line:
  SUMMARY <name> <trivy-secrets> <gh-secrets> <secrets-trivy-only> <trivy-misconf> <gh-misconf> <misconf-trivy-only>
          <trivy-pkgs> <gh-pkgs> <pkgs-trivy-only> <trivy-seconds> <gatehouse-seconds>
usage: compare.py NAME TRIVY.json TRIVY.cdx.json GATEHOUSE.json GATEHOUSE-PACKAGES.tsv TRIVY_SECONDS GATEHOUSE_SECONDS"""
import json, sys
from urllib.parse import unquote

name, trivy_json, trivy_cdx, gh_json, gh_pkgs, t_secs, g_secs = sys.argv[1:8]

# Trivy secret rule IDs whose Gatehouse rule is not simply "secret." + the same ID.
SECRET_RULES = {
    "jwt-token": "secret.jwt", "slack-web-hook": "secret.slack-webhook-url", "slack-access-token": "secret.slack-bot-token",
    "github-fine-grained-pat": "secret.github-fine-grained-pat", "gitlab-pat": "secret.gitlab-pat",
    "stripe-secret-token": "secret.stripe-live-secret-key", "stripe-publishable-token": None,
    "huggingface-access-token": "secret.huggingface-token", "dockerconfig-secret": "secret.url-credentials",
}
# Trivy's Dockerfile checks (rebuilt from the image history) and their Gatehouse rule, or why there is none.
MISCONF = {
    "DS001": (None, "':latest' tag in FROM: an image has no FROM line; Gatehouse pins what it scans by digest"),
    "DS002": ("image.runs-as-root", None),
    "DS004": ("image.ssh-exposed", None),
    "DS005": (None, "Trivy flags a local ADD (even the base image's own `ADD file:... in /`) and not a URL; Gatehouse flags only a remote, unpinned ADD (image.remote-add)"),
    "DS026": ("image.no-healthcheck", None),
    "DS011": (None, "Trivy reads the classic builder's history line `COPY dir:<hash> in /app` as a three-argument COPY: a false positive of the history rebuild"),
    "DS013": (None, "`RUN cd`: Dockerfile style, not visible in an image's behaviour"),
    "DS016": (None, "multiple CMD: an image has one"),
    "DS017": ("image.package-cache", "Trivy reads the RUN line; Gatehouse reads what is left in the final filesystem"),
    "DS029": ("image.package-cache", "Trivy reads the RUN line (--no-install-recommends); Gatehouse reads the final filesystem"),
}

def load(path):
    try:
        with open(path, encoding="utf-8") as f: return json.load(f)
    except (OSError, ValueError): return None

def norm(path): return path.lstrip("/")

# ---- Trivy
t = load(trivy_json) or {}
t_secrets, t_misconf = set(), {}
for r in t.get("Results") or []:
    target = r.get("Target", "")
    for s in r.get("Secrets") or []:
        rule = SECRET_RULES.get(s["RuleID"], "secret." + s["RuleID"])
        if rule is None: continue
        # Secrets of the image config have no layer (Target is the image); secrets in files name their layer.
        where = norm(target) if (s.get("Layer") or {}).get("DiffID") else "config"
        t_secrets.add((rule, where))
    for m in r.get("Misconfigurations") or []:
        if m.get("Status", "FAIL") == "FAIL": t_misconf[m["ID"]] = m.get("Title", "")

def purl_key(p):
    p = unquote(p.split("?")[0].split("#")[0])
    return p.lower() if p.startswith(("pkg:npm", "pkg:nuget", "pkg:pypi")) else p
t_pkgs, t_where = set(), {}
def walk(components):
    for c in components or []:
        if c.get("purl"):
            t_pkgs.add(purl_key(c["purl"]))
            for prop in c.get("properties") or []:
                if prop.get("name") == "aquasecurity:trivy:FilePath": t_where[purl_key(c["purl"])] = prop.get("value", "")
        walk(c.get("components"))
walk((load(trivy_cdx) or {}).get("components"))

# ---- Gatehouse
g = load(gh_json) or {}
g_secrets, g_rules = set(), set()
for f in g.get("findings") or []:
    rule, path, evidence = f.get("ruleId", ""), f.get("path", ""), f.get("evidence") or ""
    if rule.startswith("secret."):
        g_secrets.add((rule, norm(path.rsplit("!/", 1)[-1]) if "!/" in path else path))
    elif rule.startswith("image.secret-in-"):
        inner = evidence.split(":", 1)[0]
        g_secrets.add((inner if inner.startswith("secret.") else rule, "config"))
    elif rule.startswith("image."):
        g_rules.add(rule)
g_pkgs = set()
try:
    for line in open(gh_pkgs, encoding="utf-8"):
        if line.strip(): g_pkgs.add(purl_key(line.split("\t")[0]))
except OSError: pass

# ---- side by side
out = []
def show(kind, only_t, only_g):
    for x in sorted(only_t): out.append(f"  {kind} only trivy:     {x}")
    for x in sorted(only_g): out.append(f"  {kind} only gatehouse: {x}")

s_only_t = {f"{r} at {w}" for r, w in t_secrets - g_secrets}
s_only_g = {f"{r} at {w}" for r, w in g_secrets - t_secrets}
show("secret", s_only_t, s_only_g)

m_only_t, explained = [], 0
for ds, title in sorted(t_misconf.items()):
    ours, why = MISCONF.get(ds, (None, "no Gatehouse counterpart (Dockerfile style)"))
    if ours and ours in g_rules: continue
    if why:
        explained += 1
        out.append(f"  misconf trivy {ds} ({title}): not reported by Gatehouse by design: {why}")
    else:
        m_only_t.append(ds); out.append(f"  misconf only trivy:     {ds} {title} (Gatehouse rule {ours} missing)")
mapped = {v[0] for v in MISCONF.values() if v[0]}
for rule in sorted(g_rules):
    if not any(MISCONF.get(ds, (None,))[0] == rule for ds in t_misconf):
        out.append(f"  misconf only gatehouse: {rule}" + ("" if rule in mapped else " (Trivy has no such check)"))

p_only_t, p_only_g = t_pkgs - g_pkgs, g_pkgs - t_pkgs
# Trivy lists the image's own app (a package.json outside node_modules) as a package; Gatehouse catalogs what the app is
# built from, not the app itself.
own = {p for p in p_only_t if p.startswith("pkg:npm/") and "node_modules/" not in t_where.get(p, "node_modules/")}
for p in sorted(own): out.append(f"  package trivy {p} ({t_where[p]}): not listed by Gatehouse by design: the app's own package.json, not a dependency")
p_only_t -= own
show("package", sorted(p_only_t)[:25], sorted(p_only_g)[:10])
if len(p_only_g) > 10: out.append(f"  package only gatehouse: ... {len(p_only_g) - 10} more")

print(f"== {name}: secrets trivy {len(t_secrets)} / gatehouse {len(g_secrets)}, misconfigurations trivy {len(t_misconf)} / gatehouse "
      f"{len(g_rules)}, packages trivy {len(t_pkgs)} / gatehouse {len(g_pkgs)}, time trivy {float(t_secs):.1f} s / gatehouse {float(g_secs):.1f} s")
print("\n".join(out) if out else "  (no differences)")
print(f"SUMMARY {name} {len(t_secrets)} {len(g_secrets)} {len(s_only_t)} {len(t_misconf)} {len(g_rules)} {len(m_only_t)} "
      f"{len(t_pkgs)} {len(g_pkgs)} {len(p_only_t)} {t_secs} {g_secs}")
