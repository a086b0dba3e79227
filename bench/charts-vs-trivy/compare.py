#!/usr/bin/env python3
"""Compares Trivy's and Gatehouse's findings on one chart (bench/charts-vs-trivy.sh).

usage: compare.py NAME TRIVY_JSON GATEHOUSE_JSON FOLDER TRIVY_SECONDS GATEHOUSE_SECONDS

FOLDER holds the mapping: ksv-map.tsv (KSV check -> Gatehouse rule, as the rules' own doc pages say), also.tsv (a rule
that reports part of what a KSV check covers, with why), not-covered.tsv (KSV checks without a Gatehouse rule, and why)
and differs.tsv (KSV checks whose mapped rule is deliberately narrower, and how).
A Trivy misconfiguration (one FAIL) is found by Gatehouse when Gatehouse reports a rule the KSV check maps to in the same
template. Each one Gatehouse does not find is printed with the reason: the KSV check has no Gatehouse rule, Trivy ran a pod
check on an object that has no pod, the mapped rule is narrower by design, or the mapped rule did not fire (then the line
says unexplained). Gatehouse's findings that no Trivy finding maps to are printed too. The last line, SUMMARY, is for the totals.
"""
import json
import os
import re
import sys

POD_KINDS = {"pod", "deployment", "statefulset", "daemonset", "replicaset", "job", "cronjob", "replicationcontroller"}
# Checks on containers and pod specs: on a Service or ServiceAccount there is nothing for them to look at.
POD_CHECK = re.compile(r"KSV-0(00[1-9]|01\d|02\d|030|036|10[4-6]|11[6-9]|12[01])$")


def ksv_id(m):
    avd = m.get("AVDID") or ""
    if avd.startswith("AVD-"):
        return avd[4:]
    raw = m.get("ID", "")
    digits = raw[3:].lstrip("-")
    return "KSV-" + digits.zfill(4)


def object_kind(message):
    for pattern in (r"of (\w+) '", r"^(\w+) \S+ in \S+ namespace", r"^(\w+) '"):
        m = re.search(pattern, message)
        if m:
            return m.group(1)
    return None


def template_of(path):
    """templates/x.yaml of a rendered object's finding ({artifact}!/{template}#{object}); for a finding in a file of the
    archive ({artifact}!/{chart}/values.yaml) the file without the chart's folder; None for the chart as a whole."""
    if "#" in path:
        inner = path.rsplit("#", 1)[0]
        return inner.split("!/", 1)[1] if "!/" in inner else inner
    if "!/" not in path:
        return None
    member = path.split("!/", 1)[1]
    # The walker names archive members with the chart's folder (demo/templates/x.yaml); the chart analyzer's own
    # findings are relative to that folder already (demo-0.1.0.tgz!/Chart.yaml).
    if "/" not in member or member.startswith(("templates/", "charts/", "crds/", "ci/")):
        return member
    return member.split("/", 1)[1]


def load_tsv(path):
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            out.setdefault(parts[0], []).append(parts[1] if len(parts) > 1 else "")
    return out


def main():
    name, trivy_json, gh_json, folder, t_secs, g_secs = sys.argv[1:7]
    ksv_map = load_tsv(os.path.join(folder, "ksv-map.tsv"))
    for ksv, rules in load_tsv(os.path.join(folder, "also.tsv")).items():
        ksv_map.setdefault(ksv, []).extend(r for r in rules if r not in ksv_map.get(ksv, []))
    not_covered = {k: v[0] for k, v in load_tsv(os.path.join(folder, "not-covered.tsv")).items()}
    differs = {k: v[0] for k, v in load_tsv(os.path.join(folder, "differs.tsv")).items()}
    with open(trivy_json, encoding="utf-8") as fh:
        trivy = json.load(fh)
    trivy_items = []
    for result in trivy.get("Results") or []:
        target = result.get("Target", "")
        template = target.split(":", 1)[1] if ".tgz:" in target else target
        for m in result.get("Misconfigurations") or []:
            if m.get("Status") == "FAIL":
                trivy_items.append((template, ksv_id(m), m.get("Title", ""), m.get("Message", "")))
    try:
        with open(gh_json, encoding="utf-8") as fh:
            report = json.load(fh)
    except (OSError, json.JSONDecodeError) as e:
        print(f"== {name}: gatehouse gave no report ({e})")
        report = {"findings": [], "verdict": "none"}
    gh = [(template_of(f["path"]), f["ruleId"], f["path"], f.get("message", "")) for f in report.get("findings", [])]
    gh_keys = {(t, r) for t, r, _, _ in gh}

    found = 0
    missed = []
    explained = 0
    used = set()
    for template, ksv, title, message in trivy_items:
        rules = ksv_map.get(ksv, [])
        hit = [r for r in rules if (template, r) in gh_keys]
        if hit:
            found += 1
            used.update((template, r) for r in hit)
            continue
        kind = object_kind(message)
        if ksv in not_covered or not rules:
            why = "no Gatehouse rule: " + not_covered.get(ksv, "not in ksv-map.tsv")
            explained += 1
        elif kind and kind.lower() not in POD_KINDS and POD_CHECK.match(ksv):
            why = f"Trivy ran this pod check on a {kind}, which has no pod (its rego matches any object)"
            explained += 1
        elif ksv in differs:
            why = f"by design: {differs[ksv]}"
            explained += 1
        else:
            why = f"mapped to {', '.join(rules)}, which Gatehouse did not report in {template} (unexplained)"
        missed.append(f"   trivy-only {ksv} {title} ({template}{', ' + kind if kind else ''}): {why}")

    # Gatehouse findings no Trivy finding maps to.
    mapped_by_trivy = {(t, r) for t, k, _, _ in trivy_items for r in ksv_map.get(k, [])}
    extra = sorted({(t or "(chart)", r) for t, r, _, _ in gh if (t, r) not in mapped_by_trivy})

    print(f"== {name}: trivy {len(trivy_items)} misconfigurations, gatehouse found {found} of them; gatehouse {len(gh)} findings "
          f"({report.get('verdict')}); time trivy {t_secs} s, gatehouse {g_secs} s")
    for line in missed:
        print(line)
    by_template = {}
    for t, r in extra:
        by_template.setdefault(t, []).append(r)
    for t, rules in by_template.items():
        # Trivy renders like `helm install` and leaves out hook templates such as helm test pods; Gatehouse checks them too.
        note = " (a helm test hook, which Trivy does not render)" if "/tests/" in t else ""
        print(f"   gatehouse-only in {t}{note}: {', '.join(rules)}")
    unexplained = len(missed) - explained
    print(f"SUMMARY {name} {len(trivy_items)} {found} {explained} {unexplained} {len(extra)} {len(gh)} {t_secs} {g_secs}")


if __name__ == "__main__":
    main()
