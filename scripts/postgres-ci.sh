#!/usr/bin/env bash
# A local PostgreSQL for the test suite's PostgreSQL run (make test-pg), on a fresh Debian/Ubuntu
# machine as root (or with sudo): installs the Debian `postgresql` package if missing, starts its
# cluster listening on loopback only, creates the role and database, and prints the URL on stdout
# (everything else goes to stderr). Safe to run again: a running server is reused.
#   PRACHUM_PG_PORT (5432), PRACHUM_PG_ROLE / PRACHUM_PG_PASSWORD / PRACHUM_PG_DB (prachum)
# Exits non-zero when PostgreSQL cannot be installed or started: the PostgreSQL run is required.
set -euo pipefail
PORT="${PRACHUM_PG_PORT:-5432}"
ROLE="${PRACHUM_PG_ROLE:-prachum}"
PASSWORD="${PRACHUM_PG_PASSWORD:-prachum}"
DB="${PRACHUM_PG_DB:-prachum}"
URL="postgresql+psycopg://${ROLE}:${PASSWORD}@127.0.0.1:${PORT}/${DB}"
log() { echo "postgres-ci: $*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    log "error: need root or sudo to install and start PostgreSQL"; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql/ 2>/dev/null)" ]; then
  log "installing the Debian postgresql package"
  # the package's own start may be refused in a container (policy-rc.d): we start it below
  $SUDO apt-get update -q >&2
  $SUDO apt-get install -y -q --no-install-recommends postgresql >&2
fi

if pg_isready -q -h 127.0.0.1 -p "$PORT"; then
  log "a server already answers on 127.0.0.1:$PORT; using it"
else
  version="$(ls /usr/lib/postgresql/ | sort -V | tail -1)"
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
    log "creating cluster $version/main"
    $SUDO pg_createcluster "$version" main --port "$PORT" >&2
  fi
  # loopback only: the CI database must not be reachable from the network. A conf.d file
  # (Debian's postgresql.conf includes conf.d) with the values quoted as the format wants.
  conf_dir="/etc/postgresql/$version/main/conf.d"
  $SUDO mkdir -p "$conf_dir"
  printf "listen_addresses = '127.0.0.1'\nport = %s\n" "$PORT" | $SUDO tee "$conf_dir/prachum-ci.conf" >/dev/null
  log "starting cluster $version/main on 127.0.0.1:$PORT"
  $SUDO pg_ctlcluster "$version" main start >&2 || $SUDO pg_ctlcluster "$version" main restart >&2
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.5; done
  pg_isready -q -h 127.0.0.1 -p "$PORT" || { log "error: PostgreSQL did not start"; exit 1; }
fi

# role and database (the tests create one database per run, so the role needs CREATEDB;
# superuser also lets them drop it WITH (FORCE) when the run ends)
if ! PGPASSWORD="$PASSWORD" psql -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DB" -Atqc "select 1" >/dev/null 2>&1; then
  log "creating role $ROLE and database $DB"
  as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
  as_postgres psql -p "$PORT" -v ON_ERROR_STOP=1 -qc \
    "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
       CREATE ROLE \"$ROLE\" LOGIN SUPERUSER PASSWORD '$PASSWORD'; END IF; END\$\$;" >&2
  as_postgres psql -p "$PORT" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || as_postgres createdb -p "$PORT" -O "$ROLE" "$DB" >&2
fi
PGPASSWORD="$PASSWORD" psql -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DB" -Atqc "select 1" >/dev/null \
  || { log "error: cannot log in as $ROLE to $DB on 127.0.0.1:$PORT"; exit 1; }
echo "$URL"
