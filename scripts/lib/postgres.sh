# Throwaway PostgreSQL cluster on a free loopback port, for tests and benchmarks.
# Usage: source scripts/lib/postgres.sh; pg_start; ...; pg_stop
# Exports CUSTOS_TEST_PG_URL (superuser `custos`, scram-sha-256 password auth over TCP).

pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root).
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    local bindir; bindir="$(pg_bindir)"
    if [ -z "$bindir" ]; then echo "PostgreSQL is not installed (scripts/install-deps)" >&2; return 1; fi
    PG_DIR="$(mktemp -d /tmp/custos-pg.XXXXXX)"
    chmod 755 "$PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DIR"; fi
    PG_PORT="$(free_port)"
    local password; password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
    pg_as_owner "$bindir/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=off -c synchronous_commit=off" start >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; return 1; }
    pg_as_owner "$bindir/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE ROLE custos SUPERUSER LOGIN PASSWORD '$password'" >/dev/null
    export CUSTOS_TEST_PG_URL="postgresql://custos:$password@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
    export CUSTOS_TEST_PG_DATA="$PG_DIR/data"
    export CUSTOS_TEST_PG_BINDIR="$bindir"
    echo "==> PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

pg_stop() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
        pg_as_owner "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
