#!/usr/bin/env bash
# Whole-process benchmark of the built binary: for N = 100, 1,000 and 10,000
# generated policies, the wall time, CPU time and peak memory of
# `policysite build` (from /usr/bin/time -v), beside the same for the floor
# (the bare read/split/decode/render/minify/write loop) so the ratio is from
# one run on one machine. Prints one markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100 1000 10000"}
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! command -v /usr/bin/time >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "bench: installing GNU time (peak memory per process)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else
    echo "bench: /usr/bin/time is missing: sudo apt-get install -y time" >&2; exit 1
  fi
fi

go build -o "$work/policysite" ./cmd/policysite
go build -o "$work/floor" ./internal/cmd/floor
go build -o "$work/corpus" ./internal/cmd/corpus

# measure CMD...: runs it RUNS times, prints the median "wall cpu maxrss_kb".
measure() {
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>&1 || { echo "bench: $* failed" >&2; "$@" >&2; exit 1; }
    awk '{printf "%.3f %.3f %d\n", $1, $2+$3, $4}' "$work/t"
  done | sort -n | awk -v n="$RUNS" 'NR==int((n+1)/2)'
}

printf '| policies | build wall s | build CPU s | build peak MiB | floor wall s | floor CPU s | floor peak MiB | CPU ratio |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in $SIZES; do
  site="$work/site-$n"
  "$work/corpus" -n "$n" -o "$site"
  read -r bw bc bm < <(measure "$work/policysite" build --quiet --source "$site" --destination "$work/out-$n" --now 2026-11-23)
  read -r fw fc fm < <(measure "$work/floor" "$site" "$work/floor-$n")
  awk -v n="$n" -v bw="$bw" -v bc="$bc" -v bm="$bm" -v fw="$fw" -v fc="$fc" -v fm="$fm" \
    'BEGIN{printf "| %d | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2fx |\n", n, bw, bc, bm/1024, fw, fc, fm/1024, bc/fc}'
  rm -rf "$site" "$work/out-$n" "$work/floor-$n"
done
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3)"
