# The project's commands. README explains them; docs/architecture.md fixes their contracts.
#   make dev             local stack + demo workers + dashboard at http://127.0.0.1:8080
#   make test            every test tier, installing what is missing first
#   make test-fast       unit tests only: no database, no browser (the edit-test loop)
#   make test-db         tests against a real PostgreSQL (SQL, gateway, supabase-js conformance)
#   make test-e2e        tests in headless Chromium (components, and end to end on the release bundle)
#   make stack           database + gateway on 127.0.0.1:54321 (+ demo workers) until Ctrl-C
#   make stack DEMO=off  the same without demo workers
#   make db              only a throwaway PostgreSQL (kept in .data/) until Ctrl-C
#   make db-check        supabase/check.sql against the local database (make db or make stack running)
#   make db-adopt        supabase/adopt.sql against the local database
#   make deps            install system tools and packages the project needs
#   make alerts-test     one test alert through every enabled alert route (DATABASE_URL, secrets from the environment)
#   make package         the npm package (@hp/worker-status) from the release bundle, as a tarball in target/package-out/
#   make bench           benchmarks: gateway, bundle, dashboard, side by side with supabase-js pages (not part of make test)
#   make load            many viewers: Postgres Changes and Broadcast side by side (not part of make test)

SHELL := /bin/bash
CARGO ?= cargo
# wasm-opt comes from npm's binaryen (Debian 12's version 108 breaks wasm-bindgen's externref table).
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
DB_PORT ?= 54322
DEMO ?= on
# Deno for the alert drain (an Edge Function): the npm package's binary, offline, npm imports read
# from the project's node_modules (--node-modules-dir=manual, from the repository's root, with the
# versions of package.json, which test/imports.test.ts holds equal to the function's deno.json).
DENO := DENO_NO_UPDATE_CHECK=1 NO_COLOR=1 deno
# The Supabase CLI's local publishable key (public; the local stack accepts it).
LOCAL_PUBLISHABLE_KEY := sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH

.PHONY: alerts-test all deps package deps-db test test-fast test-db test-e2e dev-build release release-for-tests lint db db-check db-adopt stack dev bench load clean

all: test

deps:
	scripts/install-deps.sh all

deps-db:
	scripts/install-deps.sh db

# npm ci only when the lock file changed since the last install.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Every tier, installing what is missing first; what .ci/run calls.
test: deps node_modules/.package-lock.json lint test-fast test-db test-e2e

# The edit-test loop: every unit test that needs neither a database nor a browser (the core's
# rules, the gateway's parsers and state machines, the app's native tests). Warm: well under a
# minute.
test-fast: node_modules/.package-lock.json
	$(CARGO) test --workspace --locked --lib --bins
	$(CARGO) test --locked -p dashboard-core --tests
	node --test scripts/doc-links.test.mjs scripts/page-csp.test.mjs
	$(DENO) test --quiet --node-modules-dir=manual --allow-read supabase/functions/hp-alert-drain/test/

# Against a real PostgreSQL: SQL/RLS and migrations, the throwaway database, the gateway's HTTP
# and WebSocket protocol, conformance with the official supabase-js client, the heartbeat
# module.
test-db: deps-db node_modules/.package-lock.json
	$(CARGO) test --locked -p schema-tests -p throwaway-db -p dev-server --test '*'
	$(CARGO) build --locked -q -p dev-server -p throwaway-db
	node --test --test-concurrency=1 --test-timeout=180000 dev-server/conformance/*.test.mjs workers/heartbeat/test/*.test.js supabase/test/alerts/*.test.mjs

# In headless Chromium: the components (wasm-bindgen-test), then end to end against the release
# bundle served with vercel.json's headers, the npm package packed from it in Next.js, Vite and
# SvelteKit hosts, and the adoption of tables made by the setup guide (each adopted table is
# shown by the section). Node's test runner applies --test-timeout to a whole file too: 10 min
# covers a file that starts `make dev` or builds hosts on a cold machine.
test-e2e: deps node_modules/.package-lock.json dev-build release-for-tests
	CHROMEDRIVER=$${CHROMEDRIVER:-/usr/bin/chromedriver} $(CARGO) test --locked --target wasm32-unknown-unknown -p dashboard --test web
	$(CARGO) build --locked -q -p dev-server -p throwaway-db
	node --test --test-concurrency=1 --test-timeout=600000 e2e/*.test.mjs supabase/test/*.test.mjs

# make dev's own debug build (defaulting to the local stack), where `trunk serve` puts it; done
# ahead of the tests so the make-dev test times the page and the stack, not a cold compile.
dev-build: node_modules/.package-lock.json
	trunk build --dist target/trunk-serve

# The deployable bundle in dist/: needs SUPABASE_URL and SUPABASE_PUBLISHABLE_KEY (the public
# key; the legacy SUPABASE_ANON_KEY works too). A host page's attributes override both.
release: node_modules/.package-lock.json
	@test -n "$$SUPABASE_URL" -a -n "$$SUPABASE_PUBLISHABLE_KEY$$SUPABASE_ANON_KEY" || { echo "set SUPABASE_URL and SUPABASE_PUBLISHABLE_KEY"; exit 1; }
	trunk build --release

# The release bundle the end-to-end tests run, configured for the local stack by default (the
# tests set the element's attributes anyway).
release-for-tests: node_modules/.package-lock.json
	SUPABASE_URL=http://127.0.0.1:54321 SUPABASE_PUBLISHABLE_KEY=$(LOCAL_PUBLISHABLE_KEY) SUPABASE_ANON_KEY= trunk build --release

# The npm package, made from the same compiled modules as the release bundle the tests run (its
# loader carries no Supabase URL or key): target/package/ and its tarball in target/package-out/.
package: release-for-tests
	node scripts/package.mjs

lint: node_modules/.package-lock.json
	$(DENO) fmt --check --config supabase/functions/hp-alert-drain/deno.json supabase/functions/
	$(DENO) lint --config supabase/functions/hp-alert-drain/deno.json supabase/functions/
	$(DENO) check --node-modules-dir=manual supabase/functions/hp-alert-drain/
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) clippy --locked -p dashboard --target wasm32-unknown-unknown --features split -- -D warnings
	$(CARGO) check --locked -q -p dashboard --target wasm32-unknown-unknown --tests

db: deps-db
	$(CARGO) run --locked -q -p throwaway-db -- --data-dir .data/db --port $(DB_PORT)

# The local database of make db / make stack / make dev; DATABASE_URL points them elsewhere.
DATABASE_URL ?= postgresql://postgres:postgres@127.0.0.1:$(DB_PORT)/postgres

# A test message for every enabled route of DATABASE_URL's database, sent by one drain run with
# the secrets of this environment; prints what each destination answered.
alerts-test: node_modules/.package-lock.json
	HP_ALERT_DATABASE_URL="$(DATABASE_URL)" $(DENO) run --node-modules-dir=manual --allow-env --allow-net --allow-read supabase/functions/hp-alert-drain/main.ts --test --once

db-check:
	psql "$(DATABASE_URL)" -X -q -v ON_ERROR_STOP=1 -f supabase/check.sql

db-adopt:
	PGOPTIONS=--client-min-messages=warning psql "$(DATABASE_URL)" -X -q -v ON_ERROR_STOP=1 --single-transaction -f supabase/adopt.sql

stack: deps-db node_modules/.package-lock.json
	$(CARGO) build --locked -q -p dev-server
	DEMO=$(DEMO) DB_PORT=$(DB_PORT) node scripts/stack.mjs

dev: deps node_modules/.package-lock.json
	$(CARGO) build --locked -q -p dev-server
	SERVE=trunk DEMO=$(DEMO) DB_PORT=$(DB_PORT) node scripts/stack.mjs

# N viewer sockets (100, 500, 1,000) at 33 and 333 changes/s, in both realtime modes: delivery
# p50/p99 and the gateway's and database's CPU (dev-server/examples/load.rs; LOAD_VIEWERS,
# LOAD_RATES and LOAD_SECONDS change the grid).
load: deps-db
	$(CARGO) build --locked --profile server -q -p dev-server --bin dev-server --example load
	target/server/examples/load

bench: deps node_modules/.package-lock.json
	$(CARGO) build --locked --profile server -q -p dev-server --bin dev-server --example bench
	target/server/examples/bench
	$(CARGO) build --locked -q -p dev-server -p throwaway-db
	$(MAKE) -s release-for-tests
	node scripts/bundle-size.mjs
	node e2e/dashboard.bench.mjs
	node bench/compare.mjs
	node bench/burst.mjs
	node bench/soak.mjs
	node bench/alerts-drain.mjs

clean:
	$(CARGO) clean
	rm -rf .data dist node_modules
