# The project's commands. README explains them; ARCHITECTURE.md (shared) fixes their contracts.
#   make test    every test tier that exists, installing what is missing first
#   make db      a throwaway PostgreSQL (kept in .data/) until Ctrl-C
#   make deps    install system tools and packages the project needs

SHELL := /bin/bash
CARGO ?= cargo
DB_PORT ?= 54322

.PHONY: all deps deps-db test test-rust lint db dev clean

all: test

deps:
	scripts/install-deps.sh all

deps-db:
	scripts/install-deps.sh db

test: deps-db test-rust

# Core, throwaway database lifecycle, and the SQL/RLS tests against real PostgreSQL.
test-rust:
	$(CARGO) test --workspace --locked

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

db: deps-db
	$(CARGO) run --locked -q -p throwaway-db -- --data-dir .data/db --port $(DB_PORT)

dev:
	@echo "The dashboard is not built yet (see the open issues). 'make db' runs the database."
	@exit 1

clean:
	$(CARGO) clean
	rm -rf .data dist
