#!/usr/bin/env bash
# Compares `policysite build` at another commit with the working tree's:
# for N = SIZES generated policies (internal/cmd/corpus), it builds each
# into a folder in memory (/dev/shm, else the temporary folder) RUNS times,
# the two binaries taking turns, so that a burst of load on a shared
# machine falls on both, and prints one markdown row a size: the median
# CPU time (user + system) and peak memory (maximum resident set) of each,
# with their ranges, and the ratio of the medians.
#
#   scripts/compare.sh b327ff5             # 100, 1,000 and 10,000 policies
#   SIZES=1000 RUNS=9 scripts/compare.sh HEAD~3
#
# It is a measurement to read, as bench.sh is, not a test. Issue 16's
# figures in docs/performance.md were taken this way, by hand, before the
# script was written.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/compare.sh REV}
SIZES=${SIZES:-"100 1000 10000"}
RUNS=${RUNS:-5}
NOW=2026-11-23
work=$(mktemp -d)
outdir=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ -w /dev/shm ]; then outdir=/dev/shm; fi
out=$(mktemp -d "$outdir/compare-out.XXXXXX")
trap 'git worktree remove --force "$work/then" >/dev/null 2>&1 || true; rm -rf "$work" "$out"' EXIT
if ! command -v /usr/bin/time >/dev/null; then
  echo "compare: /usr/bin/time is missing: apt-get install -y time" >&2; exit 1
fi

git worktree add --quiet --detach "$work/then" "$rev"
(cd "$work/then" && go build -o "$work/then.bin" ./cmd/policysite)
go build -o "$work/now.bin" ./cmd/policysite
go build -o "$work/corpus" ./internal/cmd/corpus

# stats FILE COLUMN: "median (min to max)" of a column of FILE.
stats() {
  cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR]=$1} END{printf "%s (%s to %s)", v[int((NR+1)/2)], v[1], v[NR]}'
}
median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

echo "| policies | runs | CPU s: $rev | CPU s: now | peak MiB: $rev | peak MiB: now | now / $rev: CPU, peak |"
echo "|---:|---:|---|---|---|---|---|"
for n in $SIZES; do
  "$work/corpus" -n "$n" -o "$work/site-$n" >/dev/null
  : >"$work/then.$n"; : >"$work/now.$n"
  for _ in $(seq "$RUNS"); do
    for b in then now; do
      rm -rf "$out/site"
      /usr/bin/time -f "%U %S %M" -o "$work/t" "$work/$b.bin" build --quiet --source "$work/site-$n" --destination "$out/site" --now "$NOW" >"$work/log" 2>&1 ||
        { echo "compare: $b failed:" >&2; cat "$work/log" >&2; exit 1; }
      awk '{printf "%.2f %.1f\n", $1+$2, $3/1024}' "$work/t" >>"$work/$b.$n"
    done
  done
  ratio=$(awk -v a="$(median "$work/now.$n" 1)" -v b="$(median "$work/then.$n" 1)" -v c="$(median "$work/now.$n" 2)" -v d="$(median "$work/then.$n" 2)" 'BEGIN{printf "%.2fx, %.2fx", a/b, c/d}')
  echo "| $n | $RUNS | $(stats "$work/then.$n" 1) | $(stats "$work/now.$n" 1) | $(stats "$work/then.$n" 2) | $(stats "$work/now.$n" 2) | $ratio |"
done
