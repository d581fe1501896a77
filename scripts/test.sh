#!/usr/bin/env bash
# The whole test suite, as README.md describes it:
#   1. formatting and lints (cargo fmt --check, clippy -D warnings);
#   2. every Rust test (domain unit and property tests, store, server, API integration) on SQLite;
#   3. the API integration tests again on PostgreSQL when TEST_POSTGRES_URL is set
#      (e.g. postgres://postgres@127.0.0.1/postgres; each test creates its own database);
#   4. the browser end-to-end tests (Playwright driving Debian's Chromium) against the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== the domain core stays free of I/O"
if cargo tree -p talentlib-domain -e normal --prefix none | grep -Eq '^(tokio|sqlx|sea-orm|axum|reqwest|hyper) '; then
  echo "talentlib-domain depends on an I/O crate" >&2
  exit 1
fi

echo "== Rust tests on SQLite"
cargo build --workspace --all-targets
env -u TEST_POSTGRES_URL cargo test --workspace

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  echo "== API integration tests on PostgreSQL"
  cargo test -p talentlib --test api
fi

if [ -d e2e ] && [ "${SKIP_E2E:-}" != "1" ]; then
  echo "== browser end-to-end tests"
  cargo build -p talentlib
  if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  fi
  (cd e2e && { [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent; } && TALENTLIB_BIN="$PWD/../target/debug/talentlib" node --test --test-concurrency=1 tests/)
fi
