# A private PostgreSQL server for the tests (docs/backends.md, "Testing"): Debian's
# PostgreSQL, a cluster made by initdb in a temporary folder, run by a non-root user,
# listening on 127.0.0.1 and on a Unix socket in that folder, stopped by stop_private_postgres.
#
#   start_private_postgres     sets CRMQ_TEST_POSTGRES_URL (password login over TCP),
#                              CRMQ_TEST_POSTGRES_SOCKET (the socket's folder) and
#                              CRMQ_TEST_POSTGRES_PASSWORD, and exports them
#   stop_private_postgres      stops the server and removes its folder (idempotent)
#
# The server's superuser is `crmq` with a random password; the database is `crmq_test`.
# TCP logins need the password (scram-sha-256), so a wrong password is really refused;
# logins over the socket are trusted: the folder is private to the server's user (and root).

CRMQ_POSTGRES_PACKAGES=(postgresql)
_crmq_pg_dir=""
_crmq_pg_bin=""
_crmq_pg_user=""

_crmq_pg_as() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$_crmq_pg_user" -- "$@"
    else
        "$@"
    fi
}

start_private_postgres() {
    ensure_debian_packages "${CRMQ_POSTGRES_PACKAGES[@]}"
    _crmq_pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    if [ -z "$_crmq_pg_bin" ] || [ ! -x "$_crmq_pg_bin/initdb" ]; then
        echo "PostgreSQL's initdb is not in /usr/lib/postgresql/*/bin" >&2
        return 1
    fi
    # initdb refuses root: the server runs as Debian's `postgres` user (made by the package).
    if [ "$(id -u)" -eq 0 ]; then
        _crmq_pg_user=postgres
        id "$_crmq_pg_user" >/dev/null 2>&1 || _crmq_pg_user=nobody
    else
        _crmq_pg_user="$(id -un)"
    fi
    _crmq_pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/crmq-postgres.XXXXXX")"
    chmod 700 "$_crmq_pg_dir"
    [ "$(id -u)" -ne 0 ] || chown "$_crmq_pg_user" "$_crmq_pg_dir"
    local password
    password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$password" >"$_crmq_pg_dir/pwfile"
    [ "$(id -u)" -ne 0 ] || chown "$_crmq_pg_user" "$_crmq_pg_dir/pwfile"
    _crmq_pg_as "$_crmq_pg_bin/initdb" -D "$_crmq_pg_dir/data" -U crmq --pwfile="$_crmq_pg_dir/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$_crmq_pg_dir/initdb.log" 2>&1 || {
        cat "$_crmq_pg_dir/initdb.log" >&2
        return 1
    }
    rm -f "$_crmq_pg_dir/pwfile"
    # A free port on loopback: the kernel's choice, then given to the server.
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    _crmq_pg_as "$_crmq_pg_bin/pg_ctl" -D "$_crmq_pg_dir/data" -l "$_crmq_pg_dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $_crmq_pg_dir -c fsync=off -c max_connections=40" start >&2 || {
        cat "$_crmq_pg_dir/server.log" >&2
        return 1
    }
    _crmq_pg_as "$_crmq_pg_bin/createdb" -h "$_crmq_pg_dir" -p "$port" -U crmq crmq_test
    export CRMQ_TEST_POSTGRES_URL="postgres://crmq:$password@127.0.0.1:$port/crmq_test?sslmode=disable"
    export CRMQ_TEST_POSTGRES_SOCKET="$_crmq_pg_dir"
    export CRMQ_TEST_POSTGRES_PORT="$port"
    export CRMQ_TEST_POSTGRES_PASSWORD="$password"
    echo "PostgreSQL $("$_crmq_pg_bin/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port ($_crmq_pg_dir)" >&2
}

stop_private_postgres() {
    [ -n "$_crmq_pg_dir" ] || return 0
    if [ -f "$_crmq_pg_dir/data/postmaster.pid" ]; then
        _crmq_pg_as "$_crmq_pg_bin/pg_ctl" -D "$_crmq_pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$_crmq_pg_dir"
    _crmq_pg_dir=""
}
