# shellcheck shell=bash
# A throwaway PostgreSQL for tests and benchmarks. Source .ci/common.sh
# first, then this file, then call postgres_start: it installs PostgreSQL if
# the machine has none, starts a fresh cluster on a free port of 127.0.0.1
# and exports MASTHEAD_TEST_POSTGRES_URL. The cluster is stopped and its
# folder removed when the script exits, whatever happens (ci_defer).
#
# Settings trade durability for speed (fsync=off and friends): never point
# anything but tests at it.

PG_DIR=""
PG_PORT=""
PGBIN=""

# postgres_install makes sure server binaries exist and sets PGBIN.
postgres_install() {
	if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
		ci_log "no PostgreSQL server found: installing it with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update
		# Like the official postgres image: no "main" cluster, which the
		# Debian package would otherwise create and start on port 5432 and
		# leave running after CI.
		apt-get install -y --no-install-recommends postgresql-common
		sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' \
			/etc/postgresql-common/createcluster.conf
		apt-get install -y postgresql
	fi
	PGBIN=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -1)
	[ -x "$PGBIN/initdb" ] || ci_die "no initdb in $PGBIN"
	id postgres >/dev/null 2>&1 || ci_die "PostgreSQL is installed but there is no postgres user to run it"
}

# postgres_as_user CMD...: run a server command as the postgres user, from a
# folder that user can read (initdb complains about an unreadable cwd).
postgres_as_user() {
	(cd "$PG_DIR" && runuser -u postgres -- "$@")
}

postgres_start() {
	postgres_install
	PG_DIR=$(mktemp -d /tmp/masthead-ci-pg.XXXXXX)
	ci_defer postgres_stop
	chown postgres:postgres "$PG_DIR"

	ci_log "initdb in $PG_DIR ($("$PGBIN/postgres" --version))"
	if ! postgres_as_user "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		>"$PG_DIR/initdb.log" 2>&1; then
		cat "$PG_DIR/initdb.log" >&2
		ci_die "initdb failed (log above)"
	fi

	# Tests open a pool per store and run in parallel across packages:
	# allow more connections than the default 100.
	local opts="-c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c synchronous_commit=off"
	opts+=" -c full_page_writes=off -c max_connections=300"
	local port tries=0
	for ((port = ${PG_PORT_FROM:-54000}; port < ${PG_PORT_FROM:-54000} + 1000; port++)); do
		ci_port_free "$port" || continue
		: >"$PG_DIR/pg.log"
		chown postgres:postgres "$PG_DIR/pg.log"
		if postgres_as_user "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w -t 30 \
			-o "$opts -p $port" start >/dev/null; then
			PG_PORT=$port
			break
		fi
		# Another process may have taken the port between the check and
		# the bind; anything else is a real failure.
		if ! grep -q "could not bind\|could not create any TCP/IP sockets\|already in use" "$PG_DIR/pg.log" ||
			((++tries >= 5)); then
			cat "$PG_DIR/pg.log" >&2
			ci_die "PostgreSQL did not start (log above)"
		fi
		ci_log "port $port was taken meanwhile, trying the next one"
	done
	[ -n "$PG_PORT" ] || ci_die "no free port for PostgreSQL from ${PG_PORT_FROM:-54000} upward"

	export MASTHEAD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
	ci_log "PostgreSQL listening on 127.0.0.1:$PG_PORT; MASTHEAD_TEST_POSTGRES_URL=$MASTHEAD_TEST_POSTGRES_URL"
}

# postgres_stop stops the cluster postgres_start started and removes its
# folder. Safe to call twice, or when the start failed half-way.
postgres_stop() {
	[ -n "$PG_DIR" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		local pid
		pid=$(head -1 "$PG_DIR/data/postmaster.pid")
		if ! postgres_as_user "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
			# The postmaster this script started, by its own pid file.
			ci_log "pg_ctl stop failed; killing postmaster $pid"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -rf "$PG_DIR"
	ci_log "PostgreSQL on port ${PG_PORT:-?} stopped, $PG_DIR removed"
	PG_DIR=""
	unset MASTHEAD_TEST_POSTGRES_URL
}
