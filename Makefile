# The project's commands. README explains them; ARCHITECTURE.md (shared) fixes their contracts.
#   make test            every test tier that exists, installing what is missing first
#   make stack           database + gateway on 127.0.0.1:54321 (+ demo workers) until Ctrl-C
#   make stack DEMO=off  the same without demo workers
#   make db              only a throwaway PostgreSQL (kept in .data/) until Ctrl-C
#   make deps            install system tools and packages the project needs
#   make bench           gateway benchmarks (not part of make test)

SHELL := /bin/bash
CARGO ?= cargo
DB_PORT ?= 54322
DEMO ?= on

.PHONY: all deps deps-db test test-rust test-node lint db stack dev bench clean

all: test

deps:
	scripts/install-deps.sh all

deps-db:
	scripts/install-deps.sh db

# npm ci only when the lock file changed since the last install.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

test: deps-db node_modules/.package-lock.json test-rust test-node

# Core, throwaway database, SQL/RLS against real PostgreSQL, the gateway's parts and protocol.
test-rust:
	$(CARGO) test --workspace --locked

# supabase-js conformance of the gateway (needs the dev-server binary).
test-node: node_modules/.package-lock.json
	$(CARGO) build --locked -q -p dev-server
	node --test --test-concurrency=1 --test-timeout=120000 dev-server/conformance/*.test.mjs workers/heartbeat/test/*.test.js

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

db: deps-db
	$(CARGO) run --locked -q -p throwaway-db -- --data-dir .data/db --port $(DB_PORT)

stack: deps-db node_modules/.package-lock.json
	$(CARGO) build --locked -q -p dev-server
	DEMO=$(DEMO) DB_PORT=$(DB_PORT) node scripts/stack.mjs

dev:
	@echo "The dashboard is not built yet (see the open issues). 'make stack' runs the local Supabase stand-in."
	@exit 1

bench: deps-db
	$(CARGO) build --locked --profile server -q -p dev-server --bin dev-server --example bench
	target/server/examples/bench

clean:
	$(CARGO) clean
	rm -rf .data dist node_modules
