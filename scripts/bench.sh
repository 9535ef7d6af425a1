#!/usr/bin/env bash
# Whole-process benchmark of the built binary: for N = 100, 1,000 and 10,000
# generated policies, the wall time, CPU time and peak memory of
# `policysite build` (from /usr/bin/time), beside the same for the floor
# (the bare read/split/decode/render/minify/write loop), so the ratios come
# from one run on one machine. Each run writes into a folder that does not
# exist yet, as a build in CI does.
#
# Each size runs twice: writing to the disk the site is on, and writing to
# memory (/dev/shm) when there is one. The second shows the generators'
# own work: on a disk where making a folder is slow, the build's folders
# (two a policy, for pretty URLs) cost more than rendering its pages, and
# the floor makes none. Prints one markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100 1000 10000"}
RUNS=${RUNS:-3}
work=$(mktemp -d)
mem=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  mem=$(mktemp -d /dev/shm/policysite-bench.XXXXXX)
fi
trap 'rm -rf "$work" ${mem:+"$mem"}' EXIT
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

# measure OUT CMD...: runs CMD RUNS times, removing OUT (where CMD writes)
# before each run, and prints the median "wall cpu maxrss_kb" by wall time.
measure() {
  local out=$1; shift
  for _ in $(seq "$RUNS"); do
    rm -rf "$out"
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>&1 || { echo "bench: $* failed" >&2; "$@" >&2; exit 1; }
    awk '{printf "%.3f %.3f %d\n", $1, $2+$3, $4}' "$work/t"
  done | sort -n | awk -v n="$RUNS" 'NR==int((n+1)/2)'
  rm -rf "$out"
}

printf '| policies | written to | build wall s | build CPU s | build peak MiB | floor wall s | floor CPU s | floor peak MiB | wall ratio | CPU ratio |\n'
printf '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in $SIZES; do
  site="$work/site-$n"
  "$work/corpus" -n "$n" -o "$site"
  for dest in "$work" ${mem:+"$mem"}; do
    where=disk
    [ "$dest" = "$mem" ] && where=memory
    read -r bw bc bm < <(measure "$dest/out" "$work/policysite" build --quiet --source "$site" --destination "$dest/out" --now 2026-11-23)
    read -r fw fc fm < <(measure "$dest/floor-out" "$work/floor" "$site" "$dest/floor-out")
    awk -v n="$n" -v w="$where" -v bw="$bw" -v bc="$bc" -v bm="$bm" -v fw="$fw" -v fc="$fc" -v fm="$fm" \
      'BEGIN{printf "| %d | %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2fx | %.2fx |\n", n, w, bw, bc, bm/1024, fw, fc, fm/1024, bw/fw, bc/fc}'
  done
  rm -rf "$site"
done
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3)"
