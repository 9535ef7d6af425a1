#!/usr/bin/env bash
# dist.sh: cross-compiles policysite and formrelay into release archives in
# dist/ (or $DIST_DIR), with a SHA256SUMS file, reproducibly: the same
# commit gives the same bytes on any machine.
#
#   VERSION         the version the binaries report (default: git describe)
#   SOURCE_DATE_EPOCH  every archive entry's time (default: the last commit's)
#   DIST_TARGETS    os/arch pairs to build (default: all five below)
#   DIST_DIR        where the archives go (default: dist)
#
# Reproducible because: -trimpath (no build paths), -buildvcs=false (no
# checkout state), CGO off (no C toolchain), the version through -ldflags,
# and archives written by internal/cmd/archive with sorted entries, owner
# 0:0 and one fixed time.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
DIST_TARGETS=${DIST_TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64}
DIST_DIR=${DIST_DIR:-dist}
export SOURCE_DATE_EPOCH

mkdir -p "$DIST_DIR"
DIST_DIR=$(cd "$DIST_DIR" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
archiver="$stage/archive"
$GO build -o "$archiver" ./internal/cmd/archive

ldflags="-s -w -buildid= -X github.com/policysite/policysite/internal/buildinfo.Version=$VERSION"
archives=()
for target in $DIST_TARGETS; do
  os=${target%/*}
  arch=${target#*/}
  name="policysite_${VERSION}_${os}_${arch}"
  exe=""
  ext=tar.gz
  if [ "$os" = windows ]; then exe=.exe; ext=zip; fi
  dir="$stage/$name"
  mkdir -p "$dir"
  for cmd in policysite formrelay; do
    echo "dist: $name/$cmd$exe"
    CGO_ENABLED=0 GOOS=$os GOARCH=$arch $GO build -trimpath -buildvcs=false -ldflags "$ldflags" \
      -o "$dir/$cmd$exe" "./cmd/$cmd"
  done
  cp README.md "$dir/README.md"
  cp cmd/formrelay/relay.example.yaml "$dir/relay.example.yaml"
  # The guides init and the errors point to (docs/publishing.md, ...).
  mkdir -p "$dir/docs"
  cp docs/*.md "$dir/docs/"
  docs=$(cd "$dir" && LC_ALL=C ls docs/*.md)
  # shellcheck disable=SC2086
  "$archiver" -o "$DIST_DIR/$name.$ext" -mtime "$SOURCE_DATE_EPOCH" -prefix "$name" -C "$dir" \
    "policysite$exe" "formrelay$exe" README.md relay.example.yaml $docs
  archives+=("$name.$ext")
done

# One line per archive, sorted, in the format sha256sum -c reads.
(cd "$DIST_DIR" && printf '%s\n' "${archives[@]}" | LC_ALL=C sort | while read -r f; do
  sum=$(sha256sum "$f" 2>/dev/null || shasum -a 256 "$f")
  echo "${sum%% *}  $f"
done) > "$DIST_DIR/SHA256SUMS"
echo "dist: $(wc -l < "$DIST_DIR/SHA256SUMS") archives and SHA256SUMS in $DIST_DIR"
