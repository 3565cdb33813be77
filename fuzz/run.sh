#!/usr/bin/env bash
# `make fuzz`: builds each cargo-fuzz target and runs it for FUZZ_SECONDS (default 60),
# seeded with the repo's fixtures. Needs cargo-fuzz; nightly features are enabled on the
# stable toolchain with RUSTC_BOOTSTRAP=1 (the only toolchain this machine can have).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
export RUSTC_BOOTSTRAP=1
summary=()
for target in tautulli plex jellyfin emby; do
  corpus="corpus/$target"
  mkdir -p "$corpus"
  cp ../tests/fixtures/"$target"/* ../tests/fixtures/bad/* "$corpus"/ 2>/dev/null || true
  log="artifacts/$target.log"
  mkdir -p artifacts
  echo "fuzzing $target for ${seconds}s"
  if cargo fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 >"$log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 || true)
    summary+=("$target: ok, ${runs:-see $log}")
  else
    summary+=("$target: FAILED, see fuzz/$log and fuzz/artifacts/$target/")
  fi
done
printf '%s\n' "${summary[@]}"
! printf '%s\n' "${summary[@]}" | grep -q FAILED
