#!/usr/bin/env bash
# The whole test suite, from a fresh checkout: installs what the tests need, builds, runs
# the Swift tests, then the CLI tests (exit codes, golden files, corpus) with the independent
# FHIR R4 validator (Python fhir.resources, R4B models).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== test dependencies"
# libxml2 headers for the CLibXML2 system library (part of the machine image; installed if missing).
if ! pkg-config --exists libxml-2.0 2>/dev/null; then
  (apt-get update -qq || true) && apt-get install -y -qq libxml2-dev pkg-config
fi
# SQLite headers for GRDB (the SQLite store backend).
if ! pkg-config --exists sqlite3 2>/dev/null; then
  (apt-get update -qq || true) && apt-get install -y -qq libsqlite3-dev pkg-config
fi
if ! python3 -c 'import fhir.resources.R4B.bundle' 2>/dev/null; then
  python3 -m pip install --quiet 'fhir.resources==7.1.0'
fi
python3 -c 'import pytest' 2>/dev/null || python3 -m pip install --quiet pytest

echo "== PostgreSQL for the store tests"
# A throwaway server in a temporary directory (fsync off: its data is thrown away), stopped at exit.
# The PostgreSQL store tests use TACEBRIDGE_TEST_POSTGRES_URL; under CI=true they fail without it.
if [ -z "${TACEBRIDGE_TEST_POSTGRES_URL:-}" ]; then
  if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    (apt-get update -qq || true) && apt-get install -y -qq postgresql
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  PGBIN=${PGBIN:-$(dirname "$(command -v initdb)")}
  PGDIR=$(mktemp -d /tmp/tacebridge-pg.XXXXXX)
  PGPORT=$(python3 -c 'import socket
for port in [54329] + list(range(54330, 54400)):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        s.close()')
  # PostgreSQL refuses to run as root: there, run it as the postgres user.
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres: "$PGDIR"
  stop_postgres() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
  trap stop_postgres EXIT
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c max_connections=200" start >/dev/null
  export TACEBRIDGE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
  echo "PostgreSQL on port $PGPORT"
fi

echo "== swift build"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== CLI and FHIR validation tests"
TACEBRIDGE_BIN="$(swift build --show-bin-path)/tacebridge" python3 -m pytest -q Tests/cli
