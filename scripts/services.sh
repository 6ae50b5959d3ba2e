#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1: starts installed ones,
# installs them with apt-get when running as root, otherwise says exactly
# what to do. Then creates the concierge database if it is missing.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
as_root() { [ "$(id -u)" = 0 ]; }

need_install=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_install+=(postgresql postgresql-client)
command -v redis-server >/dev/null 2>&1 || need_install+=(redis-server)

if ! pg_up || ! redis_up; then
  if [ ${#need_install[@]} -gt 0 ]; then
    if as_root; then
      echo "installing ${need_install[*]} with apt-get"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
    else
      echo "PostgreSQL/Redis are missing. Install them with:" >&2
      echo "  sudo apt-get install -y ${need_install[*]}" >&2
      exit 1
    fi
  fi
fi

if ! pg_up; then
  echo "starting PostgreSQL"
  if as_root; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  else
    echo "PostgreSQL is not answering on 127.0.0.1:5432. Start it with:" >&2
    echo "  sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
    exit 1
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi

if ! redis_up; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis did not start" >&2; exit 1; }
fi

# The default DATABASE_URL names the database "concierge"; create it once.
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'concierge'" 2>/dev/null | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE concierge" 2>/dev/null ||
    { as_root && su postgres -c "psql -qc 'CREATE DATABASE concierge'" 2>/dev/null; } ||
    echo "could not create the database concierge; create it or set DATABASE_URL" >&2
fi
echo "PostgreSQL and Redis are answering"
