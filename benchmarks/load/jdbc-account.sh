#!/usr/bin/env bash
# Where a database-inbox delivery's time goes. The receiver and the load of `RUNS=inbox benchmarks/load.sh`'s
# inbox-jdbc run (postcall on the load test's Jetty, inbox=datasource over a HikariCP pool of 8, a PostgreSQL on this
# machine with fsync=on and synchronous_commit=on, every request a distinct delivery), measured three ways at once:
#   - PostgreSQL's own counters over the measured run (pg_stat_database, pg_stat_wal with track_wal_io_timing):
#     commits, WAL flushes (the fsyncs a commit waits for) and their time, rows written, per delivery;
#   - JFR in the server JVM over the measured run, every socket read from PostgreSQL recorded (threshold 0): how
#     many round trips a delivery makes and how long its request thread waits on them; CPU samples by part;
#   - the CPU time of the server JVM and of PostgreSQL's processes, per delivery.
# Run after benchmarks/load.sh built the module (or with BUILD=1):
#   benchmarks/load/jdbc-account.sh           # SIZE=5k WARMUP=45 DURATION=15 CONNS=4 SERVER_CPU=0 LOAD_CPU=1 PORT=8089
# Output: benchmarks/target/jdbc-account/account-<size>.txt (and the recording, server.jfr).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=${OUT:-$ROOT/benchmarks/target/jdbc-account}
SIZE=${SIZE:-5k}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-45}
CONNS=${CONNS:-4}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT=${PORT:-8089}
UNIQUE=${UNIQUE:-300000}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx256m"}
export SECRET=${SECRET:-wsec_load_6b1f0e2d9c8a7b6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f}
for tool in taskset wrk psql jfr jcmd curl; do
  command -v $tool >/dev/null || { echo "jdbc-account.sh needs $tool (apt-get install -y wrk postgresql-client)" >&2; exit 1; }
done
[ -n "${BUILD:-}" ] && mvn -B -q -Pbench -pl benchmarks -am package -DskipTests
CP=$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")
mkdir -p "$OUT"
TICKS=$(getconf CLK_TCK)
log() { echo "== $*" >&2; }

PG_LAUNCHER= SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  [ -n "$PG_LAUNCHER" ] && { kill "$PG_LAUNCHER" 2>/dev/null || true; wait "$PG_LAUNCHER" 2>/dev/null || true; }
}
trap cleanup EXIT

java -cp "$CP" dev.postcall.bench.LoadServer payloads "$OUT/payloads" >/dev/null
body=$OUT/payloads/transcription-$SIZE.json
log "signing $UNIQUE distinct deliveries of the $SIZE body"
java -cp "$CP" dev.postcall.bench.LoadServer series "$body" "$UNIQUE" "$OUT/series" >&2
series=$OUT/series/transcription-$SIZE

log "PostgreSQL (fsync=on, synchronous_commit=on) on CPU $SERVER_CPU"
rm -f "$OUT/postgres.txt"
taskset -c "$SERVER_CPU" java -Xmx64m -cp "$CP" dev.postcall.bench.LoadServer postgres "$OUT/postgres.txt" \
  > "$OUT/postgres.log" 2>&1 &
PG_LAUNCHER=$!
for _ in $(seq 1 600); do [ -s "$OUT/postgres.txt" ] && break; sleep 0.1; done
read -r PG_PORT PG_PID PG_VERSION < "$OUT/postgres.txt"
sql() { psql -X -q -t -A -F ' ' -h localhost -p "$PG_PORT" -U postgres -d postgres -c "$1"; }
sql "ALTER SYSTEM SET track_wal_io_timing = on" && sql "SELECT pg_reload_conf()" >/dev/null
pg_ticks() {
  local total=0 p
  for p in "$PG_PID" $(ps --ppid "$PG_PID" -o pid= 2>/dev/null); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# every socket read and write recorded, not only those over 10 ms (the round trips to PostgreSQL), without their
# stack traces, which at this rate would cost more than the reads
awk '/<event name="jdk.Socket(Read|Write)">/ { socket = 1 } /<\/event>/ { socket = 0 }
     socket && /name="stackTrace"/ { sub(/true/, "false") }
     socket && /name="threshold"/ { sub(/10 ms/, "0 ms") } { print }' \
  "$(dirname "$(readlink -f "$(command -v java)")")/../lib/jfr/profile.jfc" > "$OUT/socket.jfc"
log "postcall with the database inbox; JFR over the measured ${DURATION}s only"
# shellcheck disable=SC2086
taskset -c "$SERVER_CPU" java $JAVA_OPTS \
  -Dpostcall.bench.jdbcUrl="jdbc:postgresql://localhost:$PG_PORT/postgres?user=postgres" -Dport=$PORT \
  -cp "$CP" dev.postcall.bench.LoadServer postcall > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT/webhook

SERIES=$series START=0 NEXT="$OUT/next" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" \
  -s "$ROOT/benchmarks/load/post-unique.lua" "$URL" >/dev/null
sql "SELECT pg_stat_reset()" >/dev/null
sql "SELECT pg_stat_reset_shared('wal')" >/dev/null
rm -f "$OUT/server.jfr"
jcmd "$SERVER_PID" JFR.start name=account settings="$OUT/socket.jfc" >/dev/null
jvm_before=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
pg_before=$(pg_ticks)
started=$(date +%s.%N)
line=$(SERIES=$series START=$(cat "$OUT/next") NEXT="$OUT/next" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" \
  -d"${DURATION}s" --timeout 10s -s "$ROOT/benchmarks/load/post-unique.lua" "$URL" | grep '^RESULT')
ended=$(date +%s.%N)
jvm_after=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
pg_after=$(pg_ticks)
jcmd "$SERVER_PID" JFR.stop name=account filename="$OUT/server.jfr" >/dev/null
sleep 1 # the statistics collector's last report
read -r commits rollbacks inserted updated deleted < <(sql "SELECT xact_commit, xact_rollback, tup_inserted,
  tup_updated, tup_deleted FROM pg_stat_database WHERE datname = 'postgres'")
read -r wal_records wal_bytes wal_writes wal_syncs wal_write_ms wal_sync_ms < <(sql "SELECT wal_records, wal_bytes,
  wal_write, wal_sync, wal_write_time, wal_sync_time FROM pg_stat_wal")
requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")

{
  echo "database inbox, $SIZE body, $CONNS connections, ${DURATION}s after a ${WARMUP}s warm-up; PostgreSQL $PG_VERSION;"
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $line"
  awk -v n="$requests" -v c="$commits" -v r="$rollbacks" -v i="$inserted" -v u="$updated" -v d="$deleted" \
      -v wr="$wal_records" -v wb="$wal_bytes" -v ww="$wal_writes" -v ws="$wal_syncs" -v wwt="$wal_write_ms" \
      -v wst="$wal_sync_ms" -v jt=$((jvm_after - jvm_before)) -v pt=$((pg_after - pg_before)) -v hz="$TICKS" \
      -v secs="$(awk -v a="$started" -v b="$ended" 'BEGIN{print b - a}')" 'BEGIN {
    printf "per delivery: %.2f commits (%.2f rollbacks), %.2f rows inserted, %.2f updated, %.2f deleted\n", c/n, r/n, i/n, u/n, d/n
    printf "per delivery: %.1f WAL records, %.0f WAL bytes, %.2f WAL writes, %.2f WAL flushes (fsync) taking %.0f us of flush time\n", wr/n, wb/n, ww/n, ws/n, wst*1000/n
    printf "commits per WAL flush (group commit): %.2f; mean flush %.2f ms\n", c/(ws>0?ws:1), wst/(ws>0?ws:1)
    printf "CPU per delivery: server JVM %.0f us, PostgreSQL %.0f us; on the one CPU they share, at most %.0f deliveries/s\n", jt*1e6/hz/n, pt*1e6/hz/n, n/((jt+pt)/hz)
    printf "CPU busy on the server CPU: %.0f%% of %.1f s\n", 100*(jt+pt)/hz/secs, secs
  }'
  echo
  echo "the server JVM's socket I/O with PostgreSQL (port $PG_PORT), JFR jdk.SocketWrite and jdk.SocketRead with no"
  echo "threshold (a write is a request sent, a round trip; a read waits for its answer):"
  for event in SocketWrite SocketRead; do
    jfr print --events jdk.$event "$OUT/server.jfr" | awk -v port="$PG_PORT" -v n="$requests" -v what=$event '
      /^jdk\./ { if (p == port) { count++; total += d }; p = ""; d = 0 }
      /duration = / { v = $3; u = $4; d = (u == "ms") ? v * 1000 : (u == "us" ? v : (u == "s" ? v * 1e6 : v / 1000)) }
      /port = / { p = $3 }
      END { if (p == port) { count++; total += d }
        printf "  %s: %d (%.2f per delivery), %.0f us per delivery in them (%.0f us each)\n", what, count, count / n,
          total / n, total / (count ? count : 1) }'
  done
  echo
  echo "CPU samples of the server JVM by part:"
  jfr print --events jdk.ExecutionSample --stack-depth 200 "$OUT/server.jfr" | awk '
    function flush() {
      if (!inside) return
      c = "other (JDK, Jetty I/O)"
      if (s ~ /org\.postgresql/) c = "pgjdbc (the driver)"
      else if (s ~ /com\.zaxxer\.hikari/) c = "HikariCP"
      else if (s ~ /dev\.postcall\.jdbc/) c = "postcall database store"
      else if (s ~ /org\.eclipse\.yasson|org\.eclipse\.parsson/) c = "JSON-B / JSON-P"
      else if (s ~ /HmacCore|sun\.security\.provider\.SHA2|DigestBase/) c = "HMAC-SHA256"
      else if (s ~ /dev\.postcall/) c = "postcall other"
      else if (s ~ /org\.eclipse\.jetty/) c = "Jetty (HTTP, I/O)"
      n[c]++; total++; inside = 0; s = ""
    }
    /jdk\.ExecutionSample/ { flush(); inside = 1; next }
    inside { s = s " " $0 }
    END { flush(); for (c in n) printf "  %5.1f%%  %6d  %s\n", 100 * n[c] / total, n[c], c | "sort -rn"; close("sort -rn"); printf "          %6d  samples\n", total }'
} | tee "$OUT/account-$SIZE.txt"
