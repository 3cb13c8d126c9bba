#!/usr/bin/env bash
# Side-by-side benchmark: avnology-backup's pure-Java engine vs pg_dump / pg_restore 15, on the
# same PostgreSQL 15 server and the same data, in one run. Prints wall times, ratios and sizes.
#
#   bench/run.sh [SCALE]      SCALE = pgbench scale (default 30), plus a 1M-row mixed table
#
# Needs Debian's postgresql-15 (server binaries, pgbench) and postgresql-client-15; runs the
# server as the 'postgres' user in a scratch directory. Our backup runs under -Xmx128m.
#
# The headline figures time plain `java -jar` with every default, as the README tells a user to run
# it; the other settings run through avnology-backup-examples/bin/avnology-backup. Both keep a
# class-data archive per command, recorded by the command's first run (here one untimed run of
# backup and of restore, in $WORK/cache).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-30}
ROWS=${BENCH_ROWS:-1000000}
JOBS=${BENCH_JOBS:-2}
PGBIN=/usr/lib/postgresql/15/bin
PORT=${BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
WORK=$(mktemp -d /tmp/avnology-bench.XXXXXX)
chown postgres "$WORK" 2>/dev/null || true
JAR=avnology-backup-examples/target/avnology-backup.jar
[ -f "$JAR" ] || ./mvnw -q -B package -DskipTests
export AVNOLOGY_BACKUP_JAR=$PWD/$JAR XDG_CACHE_HOME=$WORK/cache
OURS=$PWD/avnology-backup-examples/bin/avnology-backup
ours() { "$OURS" "$@"; }
ours128() { JAVA_OPTS=-Xmx128m "$OURS" "$@"; }

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
[ -n "${BENCH_KEEP:-}" ] && echo "keeping $WORK (port $PORT)" || trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c shared_buffers=512MB -c autovacuum=off" start >/dev/null \
  || { tail -5 "$WORK/server.log"; exit 1; }
export PGHOST=localhost PGPORT=$PORT PGUSER=postgres
PSQL="$PGBIN/psql -q -v ON_ERROR_STOP=1"
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
DBSIZE=$($PSQL -d bench -At -c "SELECT pg_database_size('bench')")
echo "database size: $((DBSIZE / 1048576)) MiB"
if [ -n "${BENCH_BUILD_ONLY:-}" ]; then echo "server left running: PGPORT=$PORT, data in $WORK"; trap - EXIT; exit 0; fi

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
size() { du -sb "$1" | cut -f1; }
# Every timed run starts from the same state: autovacuum is off (it would otherwise vacuum the
# previous run's database during the next run: heavy after pg_restore, whose rows are not frozen,
# light after ours) and the server's and the kernel's dirty pages are written out first.
settle() { $PSQL -d postgres -c "CHECKPOINT"; sync; }
fresh() { $PSQL -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null; }
declare -A T S

run() { # name, command...
  local name=$1; shift
  settle
  local t0; t0=$(now)
  "$@" >"$WORK/$name.log" 2>&1 || { echo "$name failed:"; tail -20 "$WORK/$name.log"; exit 1; }
  T[$name]=$(secs "$t0" "$(now)")
  printf '%-28s %8.2f s\n' "$name" "${T[$name]}"
}

URL="jdbc:postgresql://localhost:$PORT/bench?user=postgres"
best() { # name, seconds: keep the minimum
  if [ -z "${T[$1]:-}" ] || [ "$(echo "$2 < ${T[$1]}" | bc -l)" = 1 ]; then T[$1]=$2; fi
}
timed() { # name, command...: like run, but keeps the best time over rounds
  local name=$1; shift
  settle
  local t0; t0=$(now)
  "$@" >"$WORK/$name.log" 2>&1 || { echo "$name failed:"; tail -20 "$WORK/$name.log"; exit 1; }
  local t; t=$(secs "$t0" "$(now)")
  best "$name" "$t"
  LAST[$name]=$t
  printf '%-28s %8.2f s\n' "$name" "$t"
}
declare -A LAST PAIRED
pair() { # name, reference: record this round's ratio name/reference
  PAIRED[$1]="${PAIRED[$1]:-} $(echo "${LAST[$1]} / ${LAST[$2]}" | bc -l)"
}
median() { echo "$@" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "== warm-up (untimed): a command's first run records its class-data archive, once per jar (java -jar) and per launcher"
java -jar "$JAR" backup --postgres "$URL" --to "file:$WORK/warm" >/dev/null 2>&1
fresh warm; java -jar "$JAR" restore --from "file:$WORK/warm" --postgres "jdbc:postgresql://localhost:$PORT/warm?user=postgres" >/dev/null 2>&1
ours128 backup --postgres "$URL" --to "file:$WORK/warm" --jobs "$JOBS" --compression zstd:1 >/dev/null
fresh warm; ours restore --from "file:$WORK/warm" --postgres "jdbc:postgresql://localhost:$PORT/warm?user=postgres" --jobs "$JOBS" >/dev/null
$PSQL -d postgres -c "DROP DATABASE warm"; rm -rf "$WORK/warm"; ls "$XDG_CACHE_HOME/avnology-backup"
echo "== backup as the README tells a user to run it (plain java -jar, every default) against pg_dump -Fc, ${BENCH_ROUNDS:-5} alternating rounds"
for round in $(seq "${BENCH_ROUNDS:-5}"); do
  rm -f "$WORK/bench.dump"; timed pg_dump_Fc "$PGBIN/pg_dump" -Fc -f "$WORK/bench.dump" bench
  rm -rf "$WORK/ours-defaults"; timed ours_defaults_java_jar java -jar "$JAR" backup --postgres "$URL" --to "file:$WORK/ours-defaults"
  pair ours_defaults_java_jar pg_dump_Fc
done
S[pg_dump_Fc]=$(size "$WORK/bench.dump")
S[ours_defaults_java_jar]=$(size "$WORK/ours-defaults")
echo "== backup: other settings, through the launcher under -Xmx128m (one run each)"
run pg_dump_Fd_j$JOBS "$PGBIN/pg_dump" -Fd -j "$JOBS" -f "$WORK/bench.dir" bench
S[pg_dump_Fd_j$JOBS]=$(size "$WORK/bench.dir")
for c in zstd:1 zstd:3 gzip:1; do
  name=ours_${c/:/}
  run "$name" ours128 backup --postgres "$URL" --to "file:$WORK/ours-${c/:/}" --jobs "$JOBS" --compression "$c"
  S[$name]=$(size "$WORK/ours-${c/:/}")
done

echo "== encrypted backup (AES-256-GCM, key from the environment) vs the same unencrypted"
export BENCH_KEY=$(head -c 32 /dev/urandom | base64)
run ours_zstd1_encrypted ours128 backup --postgres "$URL" --to "file:$WORK/ours-enc" --jobs "$JOBS" --compression zstd:1 --key-env BENCH_KEY
run ours_zstd1_again ours128 backup --postgres "$URL" --to "file:$WORK/ours-zstd1" --jobs "$JOBS" --compression zstd:1
best_plain=$(echo "if (${T[ours_zstd1]} < ${T[ours_zstd1_again]}) ${T[ours_zstd1]} else ${T[ours_zstd1_again]}" | bc -l)

echo "== backup to S3 (S3Proxy on local disk) vs to a local file, same compression"
java -jar "${JAR%.jar}-demo.jar" s3-server --dir "$WORK/s3" --bucket bench >"$WORK/s3.out" 2>"$WORK/s3.log" &
S3PID=$!
for _ in $(seq 100); do grep -q AWS_SECRET "$WORK/s3.out" 2>/dev/null && break; sleep 0.2; done
S3ENDPOINT=$(sed -n 's/^endpoint=//p' "$WORK/s3.out")
export AWS_ACCESS_KEY_ID=$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' "$WORK/s3.out")
export AWS_SECRET_ACCESS_KEY=$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$WORK/s3.out")
run ours_zstd1_to_s3 ours128 backup --postgres "$URL" --to "s3://bench/ours?endpoint=$S3ENDPOINT" --jobs "$JOBS" --compression zstd:1
kill $S3PID 2>/dev/null || true

echo "== restore (into fresh databases; the restores alternate, ${BENCH_ROUNDS:-5} rounds, best kept)"
for round in $(seq "${BENCH_ROUNDS:-5}"); do
  fresh r1; timed pg_restore "$PGBIN/pg_restore" -d r1 "$WORK/bench.dump"
  fresh r2; timed pg_restore_j$JOBS "$PGBIN/pg_restore" -j "$JOBS" -d r2 "$WORK/bench.dump"
  # ours through the launcher and as plain java -jar, in turn first: the restore that follows
  # another one ran slower in most rounds (likely the previous 738 MiB still being written back)
  launcher() { fresh r3; timed ours_restore_zstd1 ours restore --from "file:$WORK/ours-zstd1" --postgres "jdbc:postgresql://localhost:$PORT/r3?user=postgres" --jobs "$JOBS"; }
  javajar() { fresh r5; timed ours_restore_java_jar java -jar "$JAR" restore --from "file:$WORK/ours-defaults" --postgres "jdbc:postgresql://localhost:$PORT/r5?user=postgres" --jobs "$JOBS"; }
  if [ $((round % 2)) = 1 ]; then launcher; javajar; else javajar; launcher; fi
  pair ours_restore_zstd1 "pg_restore_j$JOBS"; pair ours_restore_java_jar "pg_restore_j$JOBS"
done
fresh r4; run pg_restore_j${JOBS}_ours_gzip1 "$PGBIN/pg_restore" -j "$JOBS" -d r4 "$(ls -d "$WORK"/ours-gzip1/sets/*/postgres/main)"

echo "== restore modes over a populated database (what --clean and --swap cost for their guarantees)"
# r1 and r3 hold the bench data from the rounds above; each restore replaces it.
timed pg_restore_clean_1txn "$PGBIN/pg_restore" --clean --if-exists --single-transaction -d r1 "$WORK/bench.dump"
timed pg_restore_clean_j$JOBS "$PGBIN/pg_restore" --clean --if-exists -j "$JOBS" -d r1 "$WORK/bench.dump"
timed ours_restore_clean ours restore --from "file:$WORK/ours-zstd1" --postgres "jdbc:postgresql://localhost:$PORT/r3?user=postgres" --jobs "$JOBS" --clean
timed ours_restore_swap ours restore --from "file:$WORK/ours-zstd1" --postgres "jdbc:postgresql://localhost:$PORT/r3?user=postgres" --jobs "$JOBS" --swap

echo "== check: restored row counts"
for db in bench r2 r3 r4 r5; do
  printf '%-6s ' "$db"; $PSQL -d "$db" -At -c "SELECT (SELECT count(*) FROM pgbench_accounts) || ' accounts, ' || (SELECT count(*) FROM mixed) || ' mixed, sum(abalance)=' || (SELECT sum(abalance) FROM pgbench_accounts)"
done

echo "== ratios (ours / theirs; below 1 means faster or smaller)"
ratio() { printf '%-44s %6.2f\n' "$1" "$(echo "$2 / $3" | bc -l)"; }
ratio "backup zstd:1 (launcher) / best pg_dump -Fc" "${T[ours_zstd1]}" "${T[pg_dump_Fc]}"
ratio "backup zstd:3 (launcher) / best pg_dump -Fc" "${T[ours_zstd3]}" "${T[pg_dump_Fc]}"
ratio "backup gzip:1 (launcher) / best pg_dump -Fc" "${T[ours_gzip1]}" "${T[pg_dump_Fc]}"
ratio "backup zstd:1 time / pg_dump -Fd -j$JOBS" "${T[ours_zstd1]}" "${T[pg_dump_Fd_j$JOBS]}"
ratio "archive zstd:1 size / pg_dump -Fc" "${S[ours_zstd1]}" "${S[pg_dump_Fc]}"
ratio "archive zstd:3 size / pg_dump -Fc" "${S[ours_zstd3]}" "${S[pg_dump_Fc]}"
ratio "archive gzip:1 size / pg_dump -Fc" "${S[ours_gzip1]}" "${S[pg_dump_Fc]}"
ratio "backup zstd:1 to S3 / to a local file" "${T[ours_zstd1_to_s3]}" "$best_plain"
ratio "backup zstd:1 encrypted / unencrypted" "${T[ours_zstd1_encrypted]}" "$best_plain"
ratio "restore time / pg_restore" "${T[ours_restore_zstd1]}" "${T[pg_restore]}"
ratio "restore time / pg_restore -j$JOBS" "${T[ours_restore_zstd1]}" "${T[pg_restore_j$JOBS]}"
ratio "restore as plain java -jar / pg_restore -j$JOBS" "${T[ours_restore_java_jar]}" "${T[pg_restore_j$JOBS]}"
ratio "restore --clean (1 txn) / pg_restore --clean -1" "${T[ours_restore_clean]}" "${T[pg_restore_clean_1txn]}"
ratio "restore --clean (1 txn) / pg_restore --clean -j$JOBS" "${T[ours_restore_clean]}" "${T[pg_restore_clean_j$JOBS]}"
ratio "restore --swap / pg_restore --clean -j$JOBS" "${T[ours_restore_swap]}" "${T[pg_restore_clean_j$JOBS]}"
ratio "restore --clean (1 txn) / ours into empty" "${T[ours_restore_clean]}" "${T[ours_restore_zstd1]}"
ratio "restore --swap / ours into empty" "${T[ours_restore_swap]}" "${T[ours_restore_zstd1]}"
# The machine drifts between rounds (±15 % on a shared 2-core box); the restores of one round run
# back to back, so the median of the per-round ratios is the steadier figure.
printf '%-44s %6.2f   (rounds:%s)\n' "backup, java -jar defaults / pg_dump -Fc, median of rounds" "$(median ${PAIRED[ours_defaults_java_jar]})" "$(printf ' %.2f' ${PAIRED[ours_defaults_java_jar]})"
printf '%-44s %6.2f   (rounds:%s)\n' "restore / pg_restore -j$JOBS, median of rounds" "$(median ${PAIRED[ours_restore_zstd1]})" "$(printf ' %.2f' ${PAIRED[ours_restore_zstd1]})"
printf '%-44s %6.2f   (rounds:%s)\n' "java -jar / pg_restore -j$JOBS, median of rounds" "$(median ${PAIRED[ours_restore_java_jar]})" "$(printf ' %.2f' ${PAIRED[ours_restore_java_jar]})"
echo "sizes (bytes): $(for k in "${!S[@]}"; do printf '%s=%s ' "$k" "${S[$k]}"; done)"
