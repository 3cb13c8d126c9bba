#!/usr/bin/env bash
# Catalog-heavy benchmark: PostgreSQL 15's regression database (about 850 relations, 2,300 archive
# entries, little data), our backup and restore against pg_dump -Fc and pg_restore -j2 on the same
# PostgreSQL 15 server. Ours runs as the README tells a user to run it: plain `java -jar`, every
# default, --jobs 2. Rounds alternate ours and theirs; prints each time, the best of each and the
# median of the per-round ratios (below 1 means we are faster).
#
#   bench/regression.sh [ROUNDS]      (default 5)
#
# Needs Debian's postgresql-15 and postgresql-client-15, postgresql-server-dev-15 and a C compiler
# (regress.so), and the pg-regress-15 fixture: PG_REGRESS_FIXTURES, or ../shared/fixtures beside
# the project. Runs the server as the 'postgres' user in a scratch directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
JOBS=${BENCH_JOBS:-2}
PGBIN=/usr/lib/postgresql/15/bin
FIXTURE=
for candidate in "${PG_REGRESS_FIXTURES:-}" ../shared/fixtures/pg-regress-15 /work/shared/fixtures/pg-regress-15; do
  if [ -n "$candidate" ] && [ -f "$candidate/build-regression-db.sh" ]; then FIXTURE=$(cd "$candidate" && pwd); break; fi
done
[ -n "$FIXTURE" ] || { echo "no pg-regress-15 fixture: set PG_REGRESS_FIXTURES" >&2; exit 2; }
PORT=${BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
WORK=$(mktemp -d /tmp/avnology-regress-bench.XXXXXX)
chmod 755 "$WORK"; chown postgres "$WORK" 2>/dev/null || true
JAR=$PWD/avnology-backup-examples/target/avnology-backup.jar
[ -f "$JAR" ] || ./mvnw -q -B package -DskipTests

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off -c max_prepared_transactions=10" start >/dev/null \
  || { tail -5 "$WORK/server.log"; exit 1; }
export PGHOST=localhost PGPORT=$PORT PGUSER=postgres PATH=$PGBIN:$PATH
PSQL="$PGBIN/psql -X -q -v ON_ERROR_STOP=1"
echo "== building the regression database (about a minute)"
bash "$FIXTURE/build-regression-db.sh" regression "$WORK/build" | tail -1
$PSQL -d regression -At -c "SELECT count(*) || ' relations (tables, views, sequences; indexes and TOAST not counted), ' || pg_size_pretty(pg_database_size('regression')) FROM pg_class WHERE oid >= 16384 AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
fresh() { $PSQL -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" 2>/dev/null; }
declare -A BEST LAST RATIOS
timed() { # name, command...
  local name=$1; shift
  $PSQL -d postgres -c "CHECKPOINT"; sync
  local t0; t0=$(now)
  "$@" >"$WORK/$name.log" 2>&1 || { echo "$name failed:"; tail -20 "$WORK/$name.log"; exit 1; }
  local t; t=$(secs "$t0" "$(now)")
  LAST[$name]=$t
  if [ -z "${BEST[$name]:-}" ] || [ "$(echo "$t < ${BEST[$name]}" | bc -l)" = 1 ]; then BEST[$name]=$t; fi
  printf '%-22s %7.2f s\n' "$name" "$t"
}
pair() { RATIOS[$1]="${RATIOS[$1]:-} $(echo "${LAST[$1]} / ${LAST[$2]}" | bc -l)"; }
median() { echo "$@" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

URL="jdbc:postgresql://localhost:$PORT"
# A command's first run records its class-data archive in the user's cache (here $WORK/cache), as
# it does for a user once per jar version; that run is not timed.
export XDG_CACHE_HOME=$WORK/cache
echo "== warm-up (untimed): the first backup and restore record their class-data archives"
java -jar "$JAR" backup --postgres "$URL/regression?user=postgres" --to "file:$WORK/warm" --jobs "$JOBS" >/dev/null 2>&1
fresh warm; java -jar "$JAR" restore --from "file:$WORK/warm" --postgres "$URL/warm?user=postgres" --jobs "$JOBS" >/dev/null 2>&1
ls "$XDG_CACHE_HOME/avnology-backup"
for round in $(seq "$ROUNDS"); do
  echo "== round $round"
  # each round writes a new set into the same sink, as scheduled backups do (deleting the last
  # round's 500 files first would time the file system's reuse of their inodes, not the backup)
  rm -f "$WORK/theirs.dump"
  timed pg_dump_Fc "$PGBIN/pg_dump" -Fc -f "$WORK/theirs.dump" regression
  timed ours_backup java -jar "$JAR" backup --postgres "$URL/regression?user=postgres" --to "file:$WORK/ours" --jobs "$JOBS"
  pair ours_backup pg_dump_Fc
  fresh theirs; timed pg_restore_j$JOBS "$PGBIN/pg_restore" -j "$JOBS" -d theirs "$WORK/theirs.dump"
  fresh ours; timed ours_restore java -jar "$JAR" restore --from "file:$WORK/ours" --postgres "$URL/ours?user=postgres" --jobs "$JOBS"
  pair ours_restore "pg_restore_j$JOBS"
done

echo "== ratios (ours / theirs)"
printf '%-44s %6.2f   (best %.2f s / %.2f s; rounds:%s)\n' "backup / pg_dump -Fc, median of rounds" \
  "$(median ${RATIOS[ours_backup]})" "${BEST[ours_backup]}" "${BEST[pg_dump_Fc]}" "$(printf ' %.2f' ${RATIOS[ours_backup]})"
printf '%-44s %6.2f   (best %.2f s / %.2f s; rounds:%s)\n' "restore / pg_restore -j$JOBS, median of rounds" \
  "$(median ${RATIOS[ours_restore]})" "${BEST[ours_restore]}" "${BEST[pg_restore_j$JOBS]}" "$(printf ' %.2f' ${RATIOS[ours_restore]})"
