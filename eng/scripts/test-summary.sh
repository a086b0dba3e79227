#!/usr/bin/env bash
# Sums the per-project result lines of `dotnet test` output into the one line CI reads:
#   N passed, N failed, N skipped
#   eng/scripts/test-summary.sh [FILE...]      (standard input without FILE)
# Reads VSTest's console lines, one per test assembly:
#   Passed!  - Failed:     0, Passed:     6, Skipped:     0, Total:     6, Duration: 1 s - X.Tests.dll (net10.0)
#   Failed!  - Failed:     1, Passed:     5, Skipped:     0, Total:     6, Duration: 1 s - Y.Tests.dll (net10.0)
# and, only when there are none, the terminal logger's total:
#   Test summary: total: 12, failed: 1, succeeded: 11, skipped: 0, duration: 3.1s
set -euo pipefail
awk '
  function num(s, key,   m) {
    if (!match(s, key ":[ \t]*[0-9]+")) return 0
    m = substr(s, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0
  }
  { gsub(/\033\[[0-9;]*[A-Za-z]/, "") }
  /(Passed|Failed)![ \t]+-[ \t]+Failed:[ \t]*[0-9]+,[ \t]*Passed:/ {
    p += num($0, "Passed"); f += num($0, "Failed"); s += num($0, "Skipped"); n++; next
  }
  /Test summary: total:/ {
    tp += num($0, "succeeded"); tf += num($0, "failed"); ts += num($0, "skipped"); tn++
  }
  END {
    if (n == 0 && tn > 0) { p = tp; f = tf; s = ts }
    printf "%d passed, %d failed, %d skipped\n", p, f, s
  }
' "$@"
