#!/usr/bin/env bash
# Physical backups side by side: avnology-backup vs pgBackRest 2.45 (Debian's `pgbackrest`,
# compress-type=zst compress-level=3 process-max=2) vs pg_basebackup -Ft (the read floor: an
# uncompressed copy over the replication protocol), on the same PostgreSQL 15 server and the
# same bench cluster as bench/run.sh, in one run. Prints wall times (median of rounds), repository
# sizes and ratios.
#
#   bench/physical.sh [SCALE]    SCALE = pgbench scale (default 30), plus a 1M-row mixed table
#
# Per round: a full backup by each tool; 1 % of the rows updated; an incremental by ours and by
# pgBackRest (--type=incr); a restore of each incremental, and of each full, into an empty
# directory. Ours runs as
# the README tells users to run it (bin/avnology-backup, every default: zstd:1, --jobs 2); one more
# full backup runs under -Xmx128m, on a cluster several times that size.
#
# Needs Debian's postgresql-15 (server binaries, pgbench) and pgbackrest; runs the server and
# pgBackRest as the 'postgres' user in a scratch directory.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-30}
ROWS=${BENCH_ROWS:-1000000}
ROUNDS=${BENCH_ROUNDS:-3}
PGBIN=/usr/lib/postgresql/15/bin
PORT=${BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
WORK=$(mktemp -d /tmp/avnology-physical.XXXXXX)
chmod 755 "$WORK"; chown postgres "$WORK" 2>/dev/null || true
JAR=avnology-backup-examples/target/avnology-backup.jar
[ -f "$JAR" ] || ./mvnw -q -B package -DskipTests
command -v pgbackrest >/dev/null || { echo "pgbackrest is missing: apt-get install pgbackrest"; exit 2; }
export AVNOLOGY_BACKUP_JAR=$PWD/$JAR XDG_CACHE_HOME=$WORK/cache
OURS=$PWD/avnology-backup-examples/bin/avnology-backup
ours() { "$OURS" "$@"; }

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
[ -n "${BENCH_KEEP:-}" ] && echo "keeping $WORK (port $PORT)" || trap cleanup EXIT

cat >"$WORK/pgbackrest.conf" <<CONF
[global]
repo1-path=$WORK/repo
compress-type=zst
compress-level=3
process-max=2
start-fast=y
log-level-console=warn
log-level-file=off
lock-path=$WORK/lock
spool-path=$WORK/spool
repo1-retention-full=99

[bench]
pg1-path=$WORK/data
pg1-port=$PORT
pg1-socket-path=$WORK
CONF
chown postgres "$WORK/pgbackrest.conf" 2>/dev/null || true
PGBR="pgbackrest --config=$WORK/pgbackrest.conf --stanza=bench"

as_pg "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c shared_buffers=512MB -c autovacuum=off -c archive_mode=on -c wal_keep_size=1GB" start >/dev/null \
  || { tail -5 "$WORK/server.log"; exit 1; }
export PGHOST=localhost PGPORT=$PORT PGUSER=postgres
PSQL="$PGBIN/psql -q -v ON_ERROR_STOP=1"
$PSQL -d postgres -c "ALTER SYSTEM SET archive_command = '$PGBR archive-push %p'" -c "SELECT pg_reload_conf()"
$PSQL -d postgres -c "CREATE DATABASE bench"
echo "== building the bench database: pgbench scale $SCALE + $ROWS mixed rows"
"$PGBIN/pgbench" -i -q -s "$SCALE" bench >/dev/null 2>&1
$PSQL -d bench <<SQL
CREATE TABLE mixed (id bigint PRIMARY KEY, doc jsonb, payload bytea, at timestamptz, note text);
INSERT INTO mixed SELECT g,
  jsonb_build_object('id', g, 'name', 'user ' || g, 'tags', jsonb_build_array(g % 10, g % 7), 'ok', g % 2 = 0),
  decode(md5(g::text) || md5((g * 7)::text), 'hex'),
  timestamptz '2020-01-01' + g * interval '17 seconds',
  repeat(md5(g::text), 1 + g % 4)
FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE;
SQL
as_pg $PGBR stanza-create >/dev/null
CLUSTER=$(du -sb "$WORK/data" | cut -f1)
echo "cluster size: $((CLUSTER / 1048576)) MiB"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
size() { du -sb "$1" | cut -f1; }
settle() { $PSQL -d postgres -c "CHECKPOINT"; sync; }
median() { echo "$@" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
declare -A T S
timed() { # name, command...: appends this run's seconds to T[name]
  local name=$1; shift
  settle
  local t0; t0=$(now)
  "$@" >"$WORK/$name.log" 2>&1 || { echo "$name failed:"; tail -20 "$WORK/$name.log"; exit 1; }
  local t; t=$(secs "$t0" "$(now)")
  T[$name]="${T[$name]:-} $t"
  printf '%-30s %8.2f s\n' "$name" "$t"
}
newest() { ls -1 "$1" | sort | tail -1; }

URL="jdbc:postgresql://localhost:$PORT/postgres?user=postgres"
echo "== warm-up (untimed): the launcher records its class-data archives"
ours backup --postgres "$URL" --data-dir "$WORK/data" --to "file:$WORK/warm" >/dev/null
ours restore --from "file:$WORK/warm" --data-dir "$WORK/warm-restored" >/dev/null
rm -rf "$WORK/warm" "$WORK/warm-restored"

for round in $(seq "$ROUNDS"); do
  echo "== round $round"
  rm -rf "$WORK/ours" "$WORK/basebackup" "$WORK/r-ours" "$WORK/r-pgbr" "$WORK/rf-ours" "$WORK/rf-pgbr"
  as_pg $PGBR expire --repo1-retention-full=1 >/dev/null 2>&1 || true
  timed pg_basebackup_Ft as_pg "$PGBIN/pg_basebackup" -Ft -c fast -D "$WORK/basebackup"
  S[pg_basebackup_Ft]=$(size "$WORK/basebackup")
  timed ours_full ours backup --postgres "$URL" --data-dir "$WORK/data" --to "file:$WORK/ours"
  FULL_ID=$(newest "$WORK/ours/sets")
  S[ours_full]=$(size "$WORK/ours/sets/$FULL_ID")
  timed pgbackrest_full as_pg $PGBR backup --type=full
  FULL_LABEL=$(ls -1 "$WORK/repo/backup/bench" | grep -E '^[0-9]{8}-[0-9]{6}F$' | sort | tail -1)
  S[pgbackrest_full]=$(size "$WORK/repo/backup/bench/$FULL_LABEL")
  # 1 % of the rows of both big tables
  $PSQL -d bench -c "UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 100 = $round" \
    -c "UPDATE mixed SET note = note || 'u' WHERE id % 100 = $round"
  sleep 1.1  # the updated files' times differ from the full's start by more than their settling second
  timed ours_incr ours backup --postgres "$URL" --data-dir "$WORK/data" --incremental --to "file:$WORK/ours"
  S[ours_incr]=$(size "$WORK/ours/sets/$(newest "$WORK/ours/sets")")
  timed pgbackrest_incr as_pg $PGBR backup --type=incr
  S[pgbackrest_incr]=$(size "$WORK/repo/backup/bench/$(ls -1 "$WORK/repo/backup/bench" | grep -E 'I$' | sort | tail -1)")
  timed ours_restore ours restore --from "file:$WORK/ours" --data-dir "$WORK/r-ours"
  mkdir -p "$WORK/r-pgbr"; chown postgres "$WORK/r-pgbr"; chmod 700 "$WORK/r-pgbr"
  timed pgbackrest_restore as_pg $PGBR restore --pg1-path="$WORK/r-pgbr"
  timed ours_restore_full ours restore --from "file:$WORK/ours" --set "$FULL_ID" --data-dir "$WORK/rf-ours"
  mkdir -p "$WORK/rf-pgbr"; chown postgres "$WORK/rf-pgbr"; chmod 700 "$WORK/rf-pgbr"
  timed pgbackrest_restore_full as_pg $PGBR restore --set="$FULL_LABEL" --pg1-path="$WORK/rf-pgbr"
done

echo "== heap: a full backup under -Xmx128m (cluster $((CLUSTER / 1048576)) MiB)"
rm -rf "$WORK/ours128"
timed ours_full_xmx128m env JAVA_OPTS=-Xmx128m "$OURS" backup --postgres "$URL" --data-dir "$WORK/data" --to "file:$WORK/ours128"

echo "== check: the restored directories hold the same files"
diff <(cd "$WORK/r-ours" && find . -path ./pg_wal -prune -o -type f -print | grep -v -e backup_label -e postgresql.auto.conf -e recovery.signal -e tablespace_map | sort) \
     <(cd "$WORK/r-pgbr" && find . -path ./pg_wal -prune -o -type f -print | grep -v -e backup_label -e postgresql.auto.conf -e recovery.signal -e tablespace_map -e '.manifest' | sort) >/dev/null \
  && echo "same file names (outside pg_wal)" || echo "file names differ (outside pg_wal)"

echo "== medians of $ROUNDS rounds (seconds); the machine is a shared 2-core box"
for k in pg_basebackup_Ft ours_full pgbackrest_full ours_incr pgbackrest_incr ours_restore pgbackrest_restore ours_restore_full pgbackrest_restore_full ours_full_xmx128m; do
  printf '%-30s %8.2f   (rounds:%s)\n' "$k" "$(median ${T[$k]})" "$(printf ' %.2f' ${T[$k]})"
done
echo "== ratios (ours / theirs; below 1 means faster or smaller)"
ratio() { printf '%-44s %6.2f\n' "$1" "$(echo "$2 / $3" | bc -l)"; }
# The machine drifts between rounds; the runs of one round are back to back, so the median of the
# per-round ratios is the steadier figure.
paired() { # label, ours, theirs
  local a=(${T[$2]}) b=(${T[$3]}) r=""
  for i in "${!a[@]}"; do r="$r $(echo "${a[$i]} / ${b[$i]}" | bc -l)"; done
  printf '%-44s %6.2f   (rounds:%s)\n' "$1, median of rounds" "$(median $r)" "$(printf ' %.2f' $r)"
}
paired "full backup time / pgBackRest" ours_full pgbackrest_full
paired "incremental time / pgBackRest" ours_incr pgbackrest_incr
paired "restore of the incremental / pgBackRest" ours_restore pgbackrest_restore
paired "restore of the full / pgBackRest" ours_restore_full pgbackrest_restore_full
ratio "full backup time / pgBackRest" "$(median ${T[ours_full]})" "$(median ${T[pgbackrest_full]})"
ratio "full backup time / pg_basebackup -Ft" "$(median ${T[ours_full]})" "$(median ${T[pg_basebackup_Ft]})"
ratio "full repository size / pgBackRest" "${S[ours_full]}" "${S[pgbackrest_full]}"
ratio "incremental time / pgBackRest" "$(median ${T[ours_incr]})" "$(median ${T[pgbackrest_incr]})"
ratio "incremental size / pgBackRest" "${S[ours_incr]}" "${S[pgbackrest_incr]}"
ratio "restore of the incremental / pgBackRest" "$(median ${T[ours_restore]})" "$(median ${T[pgbackrest_restore]})"
ratio "restore of the full / pgBackRest" "$(median ${T[ours_restore_full]})" "$(median ${T[pgbackrest_restore_full]})"
echo "sizes (bytes): $(for k in "${!S[@]}"; do printf '%s=%s ' "$k" "${S[$k]}"; done)"
