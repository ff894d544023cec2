# The project's commands. README explains them; ARCHITECTURE.md (shared) fixes their contracts.
#   make dev             local stack + demo workers + dashboard at http://127.0.0.1:8080
#   make test            every test tier, installing what is missing first
#   make stack           database + gateway on 127.0.0.1:54321 (+ demo workers) until Ctrl-C
#   make stack DEMO=off  the same without demo workers
#   make db              only a throwaway PostgreSQL (kept in .data/) until Ctrl-C
#   make deps            install system tools and packages the project needs
#   make bench           gateway benchmarks (not part of make test)

SHELL := /bin/bash
CARGO ?= cargo
# wasm-opt comes from npm's binaryen (Debian 12's version 108 breaks wasm-bindgen's externref table).
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
DB_PORT ?= 54322
DEMO ?= on

.PHONY: all deps deps-db test test-rust test-node test-browser build-web release lint db stack dev bench clean

all: test

deps:
	scripts/install-deps.sh all

deps-db:
	scripts/install-deps.sh db

# npm ci only when the lock file changed since the last install.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

test: deps node_modules/.package-lock.json lint test-rust test-node test-browser

# Core, throwaway database, SQL/RLS against real PostgreSQL, the gateway's parts and protocol.
test-rust:
	$(CARGO) test --workspace --locked

# supabase-js conformance of the gateway, the heartbeat module, and end-to-end in Chromium.
test-node: node_modules/.package-lock.json build-web
	$(CARGO) build --locked -q -p dev-server -p throwaway-db
	node --test --test-concurrency=1 --test-timeout=180000 dev-server/conformance/*.test.mjs workers/heartbeat/test/*.test.js e2e/*.test.mjs

# Components rendered in headless Chromium (wasm-bindgen-test).
test-browser:
	CHROMEDRIVER=$${CHROMEDRIVER:-/usr/bin/chromedriver} $(CARGO) test --locked --target wasm32-unknown-unknown -p dashboard --test web

# The dashboard as `make dev` serves it (debug: defaults to the local stack).
build-web: node_modules/.package-lock.json
	trunk build

# The deployable bundle in dist/: needs SUPABASE_URL and SUPABASE_ANON_KEY (the public anon key).
release: node_modules/.package-lock.json
	@test -n "$$SUPABASE_URL" -a -n "$$SUPABASE_ANON_KEY" || { echo "set SUPABASE_URL and SUPABASE_ANON_KEY"; exit 1; }
	trunk build --release

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

db: deps-db
	$(CARGO) run --locked -q -p throwaway-db -- --data-dir .data/db --port $(DB_PORT)

stack: deps-db node_modules/.package-lock.json
	$(CARGO) build --locked -q -p dev-server
	DEMO=$(DEMO) DB_PORT=$(DB_PORT) node scripts/stack.mjs

dev: deps node_modules/.package-lock.json
	$(CARGO) build --locked -q -p dev-server
	SERVE=trunk DEMO=$(DEMO) DB_PORT=$(DB_PORT) node scripts/stack.mjs

bench: deps node_modules/.package-lock.json
	$(CARGO) build --locked --profile server -q -p dev-server --bin dev-server --example bench
	target/server/examples/bench
	$(CARGO) build --locked -q -p dev-server -p throwaway-db
	trunk build --release
	node e2e/dashboard.bench.mjs
	trunk build

clean:
	$(CARGO) clean
	rm -rf .data dist node_modules
