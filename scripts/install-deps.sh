#!/usr/bin/env bash
# Installs what the project needs and the machine lacks; skips whatever is already there, so a
# warm machine pays only for the checks. Usage: scripts/install-deps.sh [db] [build] [web] [all]
#   db   PostgreSQL 15 server, wal2json and pg_cron (the throwaway database, the gateway, SQL tests)
#   build  wasm target, Trunk, wasm-bindgen CLI, wasm-split-cli (enough for `make release`, e.g.
#          in a deploy job)
#   web    build, plus Chromium and chromedriver, brotli, an emoji font
# Debian/Ubuntu with rustup, cargo, node and npm is assumed (README). Versions follow
# ../shared/TOOLCHAIN.md: trunk 0.21.14 (0.22 needs a newer rustc), wasm-bindgen-cli equal to the
# wasm-bindgen crate pinned in Cargo.toml.
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
# The splitter of the release build (scripts/build-app.mjs): the CLI of the wasm_split_helpers
# that Leptos's split points use.
WASM_SPLIT_VERSION=0.2.4
PG_MAJOR=15

apt_updated=no
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ "$apt_updated" = no ]; then
    echo "install-deps: apt-get update" >&2
    $sudo apt-get update -qq
    apt_updated=yes
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_db() {
  ensure_toolchain
  apt_install "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-wal2json" "postgresql-$PG_MAJOR-cron"
  # Debian starts a system cluster on install; ours never uses it, and it is left alone.
}

# The Rust toolchain rust-toolchain.toml pins. rustup installs it where its download server is
# reachable; where it is not (these machines reach package registries only), the machine's one
# toolchain is used under the pinned name if it is that very version, and anything else stops
# here with a message rather than building with an untested compiler.
ensure_toolchain() {
  local pinned host home stable_version
  pinned=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$(dirname "$0")/../rust-toolchain.toml")
  host=$(RUSTUP_TOOLCHAIN=stable rustc -vV | sed -n 's/^host: //p')
  if RUSTUP_TOOLCHAIN=stable rustup toolchain list | grep -q "^$pinned-$host"; then
    return 0
  fi
  stable_version=$(RUSTUP_TOOLCHAIN=stable rustc --version | awk '{print $2}')
  if [ "$stable_version" = "$pinned" ]; then
    home=${RUSTUP_HOME:-$HOME/.rustup}
    echo "install-deps: using the installed stable toolchain ($stable_version) as the pinned $pinned" >&2
    ln -sfn "$home/toolchains/stable-$host" "$home/toolchains/$pinned-$host"
    return 0
  fi
  echo "install-deps: installing Rust $pinned (rust-toolchain.toml)" >&2
  RUSTUP_TOOLCHAIN=stable rustup toolchain install "$pinned" --profile minimal \
    --component rust-src,rustfmt,clippy --target wasm32-unknown-unknown || {
    echo "install-deps: Rust $pinned is neither installed nor downloadable, and the stable toolchain is $stable_version; install $pinned with rustup (see docs/development.md)" >&2
    exit 1
  }
}

install_build() {
  ensure_toolchain
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
  # The release build rebuilds the standard library for size (scripts/build-app.mjs).
  if ! rustup component list --installed | grep -qx rust-src; then
    rustup component add rust-src
  fi
  if ! command -v trunk >/dev/null || ! trunk --version | grep -q "$TRUNK_VERSION"; then
    echo "install-deps: building trunk $TRUNK_VERSION (several minutes, once)" >&2
    cargo install --locked "trunk@$TRUNK_VERSION"
  fi
  if ! command -v wasm-bindgen >/dev/null || ! wasm-bindgen --version | grep -q "$WASM_BINDGEN_VERSION"; then
    echo "install-deps: building wasm-bindgen-cli $WASM_BINDGEN_VERSION (about two minutes, once)" >&2
    # No --locked: its lock file asks for a crate version the registry no longer serves.
    cargo install "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
  fi
  # It has no --version: cargo's list of installed packages says which one is there.
  if ! command -v wasm-split-cli >/dev/null || ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    echo "install-deps: building wasm-split-cli $WASM_SPLIT_VERSION (about two minutes, once)" >&2
    cargo install --locked "wasm_split_cli_support@$WASM_SPLIT_VERSION" --features build-binary
  fi
  # wasm-opt is npm's binaryen (package.json): Debian 12's binaryen 108 breaks wasm-bindgen's
  # externref table at run time.
}

install_web() {
  install_build
  # fonts-noto-color-emoji: the status icons in screenshots.
  apt_install chromium chromium-driver brotli fonts-noto-color-emoji
}

[ $# -eq 0 ] && set -- all
for part in "$@"; do
  case "$part" in
    db) install_db ;;
    build) install_build ;;
    web) install_web ;;
    all) install_db; install_web ;;
    *) echo "install-deps: unknown part '$part' (db, build, web, all)" >&2; exit 2 ;;
  esac
done
