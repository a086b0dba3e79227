#!/usr/bin/env python3
"""Scores one run of bench/secrets-precision.sh: benign packages flagged, recall on the planted labels."""
import argparse
import gzip
import json
import os
import sys

MEDIUM_UP = {"medium", "high", "critical"}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def member(path):
    """'pkg.tgz!/package/./a.js' -> 'package/a.js'; None for findings on the artifact itself."""
    if "!/" not in path:
        return None
    inner = path.split("!/", 1)[1]
    return "/".join(p for p in inner.split("/") if p not in ("", "."))


def norm(path):
    return "/".join(p for p in path.split("/") if p not in ("", "."))


def gatehouse_findings(report):
    return (report or {}).get("findings") or []


def trivy_secrets(report):
    out = []
    for result in (report or {}).get("Results") or []:
        for s in result.get("Secrets") or []:
            out.append(dict(s, Target=norm(result.get("Target", ""))))
    return out


def excerpt(tree, finding, width=160):
    m = member(finding.get("path", ""))
    line_no = finding.get("line")
    if not m or not line_no:
        return finding.get("evidence", "")
    outer, _, inner = m.partition("!/")
    # A member of a .gz member (man pages, changelogs) is read through gzip; deeper nesting is not unpacked here.
    if inner and ("!/" in inner or not outer.endswith(".gz")):
        return finding.get("evidence", "")
    opener = (lambda p: gzip.open(p, "rb")) if inner else (lambda p: open(p, "rb"))
    try:
        with opener(os.path.join(tree, outer)) as f:
            for i, raw in enumerate(f, 1):
                if i == line_no:
                    break
            else:
                return finding.get("evidence", "")
    except (OSError, EOFError):
        return finding.get("evidence", "")
    line = raw.decode("utf-8", "replace").strip()
    if len(line) <= width:
        return line
    # A minified bundle's line is the whole file: show the part around the evidence.
    head = (finding.get("evidence") or "").split("\u2026")[0]
    at = line.find(head) if head else -1
    at = max(0, at - width // 3) if at >= 0 else 0
    return ("…" if at else "") + line[at:at + width] + "…"


def fmt_rules(items):
    counts = {}
    for rule, sev in items:
        counts[(rule, sev)] = counts.get((rule, sev), 0) + 1
    return ", ".join(f"{r} ({s}){' x' + str(n) if n > 1 else ''}" for (r, s), n in sorted(counts.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--trivy-results", required=True)
    ap.add_argument("--skipped")
    ap.add_argument("--cli", default="")
    ap.add_argument("--trivy-version", default="")
    ap.add_argument("--no-trivy", action="store_true")
    ap.add_argument("--findings")
    a = ap.parse_args()
    use_trivy = not a.no_trivy

    rows = []
    with open(a.manifest) if os.path.exists(a.manifest) else open(os.devnull) as f:
        for line in f:
            slug, kind, name, version, artifact, tree = line.rstrip("\n").split("\t")
            rows.append((slug, kind, name, version, artifact, tree))
    skipped = [l.strip() for l in open(a.skipped)] if a.skipped and os.path.exists(a.skipped) else []
    skipped = [s for s in skipped if s]

    # ------------------------------------------------------------ benign set
    print()
    if not rows:
        print("BENIGN SET: not run")
    else:
        print(f"BENIGN SET: {len(rows)} packages ({', '.join(f'{k} {sum(1 for r in rows if r[1] == k)}' for k in ('npm', 'nuget', 'deb'))})"
              + (f", {len(skipped)} skipped (could not be fetched)" if skipped else ""))
        print(f"{'PACKAGE':<42} {'KIND':<5} {'GATEHOUSE (findings >= medium)':<46} {'TRIVY (secrets >= MEDIUM)' if use_trivy else ''}")
    g_flagged, t_flagged, g_broken, t_broken, lines_out = [], [], [], [], []
    g_flagged_secret = []  # flagged by a secret rule (the rest: archive.*, content.*, ... only)
    for slug, kind, name, version, artifact, tree in rows:
        report = load(os.path.join(a.run, "gatehouse", slug + ".json"))
        if report is None:
            g_cell = "NO REPORT (check failed)"
            g_broken.append(name)
        else:
            hits = [f for f in gatehouse_findings(report) if f.get("severity") in MEDIUM_UP]
            verdict = report.get("verdict", "?")
            if hits:
                g_flagged.append(name)
                if any(f["ruleId"].startswith("secret.") for f in hits):
                    g_flagged_secret.append(name)
                g_cell = f"{verdict}: " + fmt_rules((f["ruleId"], f["severity"]) for f in hits)
                for f in hits:
                    lines_out.append("\t".join([f"{name} {version}", member(f.get("path", "")) or f.get("path", ""),
                                                f["ruleId"], f["severity"], str(f.get("line") or ""),
                                                excerpt(tree, f).replace("\t", " ")]))
            else:
                g_cell = verdict if verdict != "pass" else "pass"
            if verdict == "incomplete":
                g_broken.append(name)
        t_cell = ""
        if use_trivy:
            treport = load(os.path.join(a.trivy_results, slug + ".json"))
            if treport is None:
                t_cell = "NO REPORT"
                t_broken.append(name)
            else:
                thits = [s for s in trivy_secrets(treport) if s.get("Severity") in ("MEDIUM", "HIGH", "CRITICAL")]
                if thits:
                    t_flagged.append(name)
                    t_cell = "flagged: " + fmt_rules((s["RuleID"], s["Severity"].lower()) for s in thits)
                else:
                    t_cell = "-"
        label = f"{name} {version}"
        g_show = g_cell if len(g_cell) <= 46 else g_cell[:45] + "…"
        print(f"{label[:42]:<42} {kind:<5} {g_show:<46} {t_cell[:60]}")
        if len(g_cell) > 46:
            print(f"{'':<49}{g_cell}")
    for s in skipped:
        print(f"  skipped: {s}")
    n = len(rows)
    if rows:
        print()
        print(f"benign packages flagged (>= medium): gatehouse {len(g_flagged)} of {n} "
              f"({len(g_flagged_secret)} by a secret rule)"
              + (f", trivy {len(t_flagged)} of {n}" if use_trivy else ""))
    if g_broken:
        print(f"  gatehouse gave no complete report for: {', '.join(g_broken)}")
    if t_broken:
        print(f"  trivy gave no report for: {', '.join(t_broken)}")

    if a.findings and rows:
        with open(a.findings, "w") as f:
            f.write(f"# gatehouse findings >= medium on the benign set; CLI {a.cli}\n")
            f.write("# package\tfile\trule\tseverity\tline\texcerpt\n")
            f.write("\n".join(lines_out) + ("\n" if lines_out else ""))
        print(f"  {len(lines_out)} gatehouse findings >= medium written to {a.findings}")

    # ------------------------------------------------------------ planted set
    planted = os.path.join(a.run, "planted")
    labels = load(os.path.join(planted, "labels.json")) or []
    g_report = load(os.path.join(planted, "gatehouse.json"))
    t_report = load(os.path.join(planted, "trivy.json")) if use_trivy else None
    g_all = [f for f in gatehouse_findings(g_report)]
    g_secret = [f for f in g_all if f.get("ruleId", "").startswith("secret.")]
    t_all = trivy_secrets(t_report)

    def g_match(label, findings):
        out = []
        for f in findings:
            if member(f.get("path", "")) != label["file"]:
                continue
            line = f.get("line")
            if line is not None and label["line"] <= line <= label["endLine"]:
                out.append(f)
            elif line is None:
                tail = (f.get("evidence") or "").split("\u2026")[-1]
                if tail and tail in label["value"]:
                    out.append(f)
        return out

    def t_match(label, findings):
        return [s for s in findings if s["Target"] == label["file"]
                and s.get("StartLine", 0) <= label["endLine"] and s.get("EndLine", s.get("StartLine", 0)) >= label["line"]]

    secrets = [l for l in labels if l["expect"] == "secret"]
    decoys = [l for l in labels if l["expect"] == "none"]
    print()
    if not labels:
        print("PLANTED SET: not run")
    else:
        print(f"PLANTED SET: {len(secrets)} secrets of {len({l['provider'] for l in secrets})} providers, {len(decoys)} decoys, "
          f"{len({l['file'] for l in labels})} files"
              + ("" if g_report else "   (gatehouse gave no report)") + ("" if t_report or not use_trivy else "   (trivy gave no report)"))
        print(f"{'PROVIDER':<30} {'FILE:LINE':<44} {'GATEHOUSE':<44} {'TRIVY' if use_trivy else ''}")
    g_found = t_found = 0
    g_miss, t_miss, matched_g, matched_t = [], [], set(), set()
    for l in secrets:
        gm = g_match(l, g_secret)
        tm = t_match(l, t_all) if use_trivy else []
        matched_g.update(id(f) for f in gm)
        matched_t.update(id(s) for s in tm)
        # Found = reported at medium or above: a secret reported only as low or info passes the gate.
        g_hit = any(f.get("severity") in MEDIUM_UP for f in gm)
        t_hit = any(s.get("Severity") in ("MEDIUM", "HIGH", "CRITICAL") for s in tm)
        g_cell = ", ".join(sorted({f"{f['ruleId']} ({f['severity']})" for f in gm}))
        t_cell = ", ".join(sorted({f"{s['RuleID']} ({s['Severity'].lower()})" for s in tm}))
        g_cell = g_cell if g_hit else "MISS" + (f" (only {g_cell})" if g_cell else "")
        t_cell = t_cell if t_hit else "MISS" + (f" (only {t_cell})" if t_cell else "")
        g_found += g_hit
        t_found += t_hit
        if not g_hit:
            g_miss.append(dict(l, only=g_cell))
        if use_trivy and not t_hit:
            t_miss.append(dict(l, only=t_cell))
        where = f"{l['file']}:{l['line']}"
        print(f"{l['provider']:<30} {where:<44} {g_cell[:44]:<44} {t_cell[:50] if use_trivy else ''}")
    if decoys:
        print()
        print("decoys (documented examples, placeholders, a truncated key; >= medium here is a false positive):")
    g_decoy_fp = t_decoy_fp = 0
    for l in decoys:
        gm = [f for f in g_match(l, g_all) if f.get("severity") in MEDIUM_UP]
        tm = [s for s in t_match(l, t_all) if s.get("Severity") in ("MEDIUM", "HIGH", "CRITICAL")] if use_trivy else []
        matched_g.update(id(f) for f in g_match(l, g_all))
        matched_t.update(id(s) for s in t_match(l, t_all))
        g_decoy_fp += bool(gm)
        t_decoy_fp += bool(tm)
        g_cell = ", ".join(sorted({f"{f['ruleId']} ({f['severity']})" for f in gm})) or "quiet"
        t_cell = ", ".join(sorted({f"{s['RuleID']} ({s['Severity'].lower()})" for s in tm})) or "quiet"
        where = f"{l['file']}:{l['line']}"
        print(f"  {l['provider']:<28} {where:<44} {g_cell[:44]:<44} {t_cell[:50] if use_trivy else ''}")
    extra_g = [f for f in g_all if id(f) not in matched_g and f.get("severity") in MEDIUM_UP]
    extra_t = [s for s in t_all if id(s) not in matched_t and s.get("Severity") in ("MEDIUM", "HIGH", "CRITICAL")]
    if extra_g or extra_t:
        print("findings >= medium on no label (duplicates on another line of a block, or false positives):")
        for f in extra_g:
            print(f"  gatehouse {f['ruleId']} ({f['severity']}) {member(f.get('path', '')) or f.get('path')}:{f.get('line', '')}")
        for s in extra_t:
            print(f"  trivy     {s['RuleID']} ({s['Severity'].lower()}) {s['Target']}:{s.get('StartLine', '')}")

    n_s = len(secrets) or 1
    if labels:
        print()
        print("misses:")
        print("  gatehouse: " + (", ".join(f"{l['provider']} ({l['file']}:{l['line']}){l['only'][4:]}" for l in g_miss) or "none"))
    if labels and use_trivy:
        print("  trivy:     " + (", ".join(f"{l['provider']} ({l['file']}:{l['line']}){l['only'][4:]}" for l in t_miss) or "none"))

    g_recall = 100.0 * g_found / n_s
    t_recall = 100.0 * t_found / n_s
    benign_g = (f"benign flagged {len(g_flagged)}/{n} ({len(g_flagged_secret)} by a secret rule)" if rows
                else "benign not run")
    benign_t = f"benign flagged {len(t_flagged)}/{n}" if rows else "benign not run"
    recall_g = (f"recall {g_found}/{len(secrets)} = {g_recall:.1f} %, decoys flagged {g_decoy_fp}/{len(decoys)}"
                if labels else "planted not run")
    recall_t = (f"recall {t_found}/{len(secrets)} = {t_recall:.1f} %, decoys flagged {t_decoy_fp}/{len(decoys)}"
                if labels else "planted not run")
    print()
    print(f"SUMMARY gatehouse: {benign_g}, {recall_g}   ({a.cli})")
    if use_trivy:
        print(f"SUMMARY trivy:     {benign_t}, {recall_t}   ({a.trivy_version})")
    zero = not g_flagged and not g_broken if rows else None
    full = g_found == len(secrets) if labels else None
    not_below = (g_found >= t_found if use_trivy else None) if labels else None

    def yn(v):
        return "n/a" if v is None else "yes" if v else "NO"
    met = all(v is not False for v in (zero, full, not_below)) and rows and labels
    print(f"TARGETS: zero benign flagged: {yn(zero)}; recall 100 %: {yn(full)}; recall >= trivy's: {yn(not_below)}"
          f"  => {'MET' if met else 'NOT MET' if False in (zero, full, not_below) else 'partial run'}")


if __name__ == "__main__":
    sys.exit(main())
