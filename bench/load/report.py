#!/usr/bin/env python3
"""The report of bench/load.sh: per kind of request (wrk's JSON lines) throughput, p50/p99, errors and 5xx; per process
the memory samples (VmRSS, VmHWM from /proc every few seconds) with first- and last-quarter averages and the slope; and a
last line that says which targets were met (0 errors, 0 5xx, memory flat).

usage: report.py WORK_DIR KINDS... -- extra lines (printed before the targets)
"""
import json
import os
import sys

# Memory is "flat" when the last quarter's average RSS is within this much of the first quarter's (after the warm-up).
FLAT_TOLERANCE = 0.10


def main(argv):
    work = argv[1]
    split = argv.index("--") if "--" in argv else len(argv)
    kinds = argv[2:split]
    extra = argv[split + 1:]
    rows = []
    for kind in kinds:
        path = os.path.join(work, kind + ".json")
        if not os.path.exists(path):
            rows.append({"kind": kind, "missing": True})
            continue
        with open(path, encoding="utf-8") as f:
            rows.append(json.loads(f.read()))

    print()
    print(f"{'kind':<10} {'requests':>9} {'req/s':>8} {'MB/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7} {'5xx':>5}  (errors: socket errors, timeouts and every non-2xx answer)")
    errors_total = 0
    fivexx_total = 0
    for r in rows:
        if r.get("missing"):
            print(f"{r['kind']:<10} no result (wrk failed)")
            errors_total += 1
            continue
        secs = r["duration_us"] / 1e6
        socket = r["connect"] + r["read"] + r["write"] + r["timeout"]
        errors = socket + r["s3"] + r["s4"] + r["s5"]
        errors_total += errors
        fivexx_total += r["s5"]
        print(f"{r['kind']:<10} {r['requests']:>9} {r['requests'] / secs:>8.1f} {r['bytes'] / secs / 1048576:>7.1f} "
              f"{r['p50_us'] / 1000:>8.1f} {r['p99_us'] / 1000:>8.1f} {r['max_us'] / 1000:>8.1f} {errors:>7} {r['s5']:>5}"
              + (f"   (socket {socket}, 3xx {r['s3']}, 4xx {r['s4']})" if errors else ""))

    samples = {}
    with open(os.path.join(work, "memory.tsv"), encoding="utf-8") as f:
        for line in f:
            t, name, rss, hwm = line.split()
            samples.setdefault(name, []).append((float(t), int(rss) / 1024, int(hwm) / 1024))
    print()
    print(f"{'process':<8} {'samples':>7} {'first':>8} {'last':>8} {'1st qtr':>8} {'4th qtr':>8} {'change':>7} {'slope':>10} {'VmHWM':>8}   (MiB; RSS every few seconds)")
    flat = {}
    for name, s in samples.items():
        n = len(s)
        q = max(1, n // 4)
        first = sum(x[1] for x in s[:q]) / q
        last = sum(x[1] for x in s[-q:]) / q
        slope = least_squares_slope([x[0] for x in s], [x[1] for x in s]) * 60
        change = (last - first) / first if first else 0.0
        flat[name] = change <= FLAT_TOLERANCE
        print(f"{name:<8} {n:>7} {s[0][1]:>8.1f} {s[-1][1]:>8.1f} {first:>8.1f} {last:>8.1f} {change * 100:>+6.1f}% {slope:>+7.1f}/min {max(x[2] for x in s):>8.1f}")
        print(f"         RSS: {' '.join(f'{x[1]:.0f}' for x in s)}")

    print()
    for line in extra:
        print(line)
    missed = []
    if errors_total:
        missed.append(f"{errors_total} errors")
    if fivexx_total:
        missed.append(f"{fivexx_total} 5xx")
    not_flat = [name for name, ok in flat.items() if not ok]
    if not_flat:
        missed.append("memory not flat: " + ", ".join(not_flat))
    if "server" not in flat:
        missed.append("no memory samples of the server")
    verdict = "targets met" if not missed else "targets MISSED: " + "; ".join(missed)
    print(f"load: {errors_total} errors, {fivexx_total} 5xx, memory flat: "
          + (", ".join(f"{n} {'yes' if ok else 'NO'}" for n, ok in flat.items()) or "no samples")
          + f" (last quarter within {FLAT_TOLERANCE:.0%} of the first): {verdict}")
    return 0 if not missed else 1


def least_squares_slope(xs, ys):
    n = len(xs)
    if n < 2:
        return 0.0
    mx = sum(xs) / n
    my = sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
