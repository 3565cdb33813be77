# Cartographus Desktop — the two commands a user needs: `make run` and `make test`.
# Everything else here is what those two are made of.

SHELL := /bin/bash
.DEFAULT_GOAL := run

CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
TARGET_DIR := $(CARGO_TARGET_DIR)/debug
HOST_TRIPLE := $(shell rustc -vV | sed -n 's/^host: //p')
NATS_SERVER_BIN ?= $(CURDIR)/src-tauri/binaries/nats-server-$(HOST_TRIPLE)
export NATS_SERVER_BIN
TAURI_DRIVER_VERSION := 2.1.0

APT_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev \
	libayatana-appindicator3-dev librsvg2-dev xvfb xauth dbus-x11 webkit2gtk-driver chromium \
	python3-pip

.PHONY: run test bench soak fuzz deps apt-deps sidecar ui ui-deps build tauri-driver test-rust test-ui test-ui-gates \
	test-e2e package test-package deb-config clean-data

## run: set up what is missing, build, and start the desktop app (or `serve` without a display)
run: deps ui sidecar build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "Starting the desktop app (data in $${CARTOGRAPHUS_DATA_DIR:-~/.local/share/cartographus})"; \
		exec "$(TARGET_DIR)/cartographus"; \
	else \
		echo "No display: starting the headless server. Webhook URLs and the web UI link:"; \
		"$(TARGET_DIR)/cartographus-server" tokens; \
		exec "$(TARGET_DIR)/cartographus-server" serve --ui-dir "$(CURDIR)/ui/dist"; \
	fi

## test: every test — Rust (engine, server, desktop), UI unit tests, both end-to-end smoke tests,
## and the Debian package of the dev build installed, started and removed
test: deps ui sidecar build tauri-driver test-rust-gates test-rust test-ui test-e2e test-package

# The Rust static gates: formatting as rustfmt writes it, and clippy with every warning an
# error, over every target (tests and benches too) with the one feature selection of `build`.
test-rust-gates:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

test-rust:
	cargo test --workspace --no-fail-fast

# The UI's static gates: TypeScript's type check and ESLint (hooks rules included, warnings fail).
test-ui-gates: ui-deps
	cd ui && npm run typecheck && npm run lint

test-ui: test-ui-gates
	cd ui && npm test

test-e2e: ui-deps
	cd ui && CARTOGRAPHUS_SERVER_BIN="$(TARGET_DIR)/cartographus-server" \
		CARTOGRAPHUS_DESKTOP_BIN="$(TARGET_DIR)/cartographus" \
		CARTOGRAPHUS_FAKES_BIN="$(TARGET_DIR)/cartographus-fakes" \
		TAURI_DRIVER_BIN="$$(command -v tauri-driver || echo $$HOME/.cargo/bin/tauri-driver)" \
		node --test --test-concurrency=1 e2e/

# The package's sidecar goes to /usr/lib/cartographus, not beside the app in /usr/bin where
# Debian's own nats-server package would clash with it (docs/adr/0016).
DEB_CONFIG = $(CARGO_TARGET_DIR)/deb.conf.json
deb-config:
	@mkdir -p "$(CARGO_TARGET_DIR)"
	@printf '{"bundle":{"externalBin":[],"linux":{"deb":{"files":{"/usr/lib/cartographus/nats-server":"binaries/nats-server-%s"}}}}}\n' \
		"$(HOST_TRIPLE)" > "$(DEB_CONFIG)"

## package: the Debian package from a release build (a second, one-off DuckDB build; nothing is
## downloaded), then its size and the release app's cold start (docs/performance.md)
package: deps ui sidecar deb-config
	cd src-tauri && ../ui/node_modules/.bin/tauri build --ci --bundles deb --config "$(DEB_CONFIG)"
	@deb=$$(ls -t "$(CARGO_TARGET_DIR)"/release/bundle/deb/*.deb | head -1); \
		echo "package: $$deb, $$(du -k "$$deb" | cut -f1) KiB"
	node packaging/cold-start.mjs "$(CARGO_TARGET_DIR)/release/cartographus" \
		"$(CURDIR)/src-tauri/binaries/nats-server-$(HOST_TRIPLE)"

## test-package: the dev build (already built by `build`; `tauri bundle` only packages it) as a
## Debian package, installed as a user would, started, checked healthy and removed
test-package: build ui-deps deb-config
	cd src-tauri && ../ui/node_modules/.bin/tauri bundle --ci --debug --bundles deb --no-binary-patching \
		--config "$(DEB_CONFIG)"
	CARTOGRAPHUS_DEB="$$(ls -t "$(TARGET_DIR)"/bundle/deb/*.deb | head -1)" \
		node --test --test-concurrency=1 packaging/install.test.mjs

## bench: the whole pipeline under load against raw baselines measured in the same run;
## prints a table and writes bench-report.json (method and figures: docs/performance.md).
## BENCH_ARGS passes options through, e.g. BENCH_ARGS="--connections 32 --query-events 0".
bench: sidecar ui
	cargo build --workspace --release
	"$(CARGO_TARGET_DIR)/release/cartographus-bench" --report "$(CURDIR)/bench-report.json" $(BENCH_ARGS)

## soak: 30 minutes of mixed webhook load with kill -9 of the server and of its sidecar every
## 2-4 minutes; then every acknowledged event must be stored exactly once (non-zero exit if
## not). Prints a report, writes soak-report.json (docs/soak.md). The dev profile, like
## `make test` (no second DuckDB build). SOAK_ARGS passes options through, e.g.
## SOAK_ARGS="--minutes 3 --kill-every 40".
soak: sidecar ui
	cargo build --workspace
	"$(TARGET_DIR)/cartographus-soak" --report "$(CURDIR)/soak-report.json" $(SOAK_ARGS)

## fuzz: run each parser's fuzz target for FUZZ_SECONDS (default 60) each
fuzz:
	./fuzz/run.sh

deps: apt-deps ui-deps

# Installs the Debian packages when root; otherwise prints the command to run.
apt-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "Missing Debian packages. Run:"; echo "  sudo apt-get install -y $$missing"; exit 1; \
		fi; \
	fi

ui-deps: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund

sidecar:
	./sidecars/fetch-nats-server.sh

ui: ui-deps
	cd ui && npm run build

# `cargo test --no-run` also builds the binaries. Every cargo call here resolves features over
# the whole workspace with dev-dependencies, so DuckDB's C++ is built once, not per command
# (see docs/adr/0005-one-build-profile.md).
build: sidecar ui
	cargo test --workspace --no-run

tauri-driver:
	@command -v tauri-driver >/dev/null || [ -x "$$HOME/.cargo/bin/tauri-driver" ] || \
		cargo install tauri-driver --locked --version $(TAURI_DRIVER_VERSION)
