#!/usr/bin/env bash
# The load test of issue 7, from one command on a fresh Debian/Ubuntu machine with a JDK 17+, Maven, Node.js and npm:
#   benchmarks/load.sh
# Builds the benchmarks module, installs wrk (apt-get) when missing and express + @elevenlabs/elevenlabs-js (npm) into
# a temp folder, then runs each receiver in turn on CPU $SERVER_CPU with wrk on CPU $LOAD_CPU, and the 100 MB audio
# run. Results: benchmarks/target/load/results.md (the tables) and raw.txt (every wrk RESULT line).
#
# RUNS=inbox: postcall with no inbox, the file inbox and the database inbox on a local PostgreSQL (INBOX_MODES, with
# bare as the driver's ceiling), each request a distinct delivery (load/post-unique.lua over UNIQUE=300000 pre-signed
# ones), so every one is stored: `RUNS=inbox benchmarks/load.sh`.
# Tracing on and off (issue 26): postcall-traced is postcall with an OpenTelemetry SDK handed to the servlet, a span per
# delivery batched to an exporter that drops them: `SIZES=5k MODES="postcall postcall-traced" RUNS=load benchmarks/load.sh`.
# Knobs (environment): SIZES="5k 50k"  MODES="bare bare-weld naive postcall postcall-debuglog postcall-noreport express"
# (postcall-debuglog: delivery-log-level=debug, no line per handled delivery, as the naive receiver; postcall-queuedlog:
# the line through a queue and a writer thread, as asynchronous appenders do, not in the default MODES)  DURATION=15 WARMUP=45
# REJECT_WARMUP=15  CONNS=4  SERVER_CPU=0 LOAD_CPU=1  RUNS="load reject audio"  REJECT_SIZES="5k 50k 1m"  AUDIO_WARMUPS=3 AUDIO_RUNS=5  SKIP_BUILD=1  PROFILE=1 (a JFR profile of each of
# PROFILE_MODES, default postcall, at each of PROFILE_SIZES, default 50k)  PERF=1 (the same with perf: all of the CPU,
# the kernel's too, in µs per request by part)  JAVA_OPTS="-Xms256m -Xmx256m"  NODE_DIR=<existing folder with node_modules>
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${OUT:-$ROOT/benchmarks/target/load}
SIZES=${SIZES:-"5k 50k"}
MODES=${MODES:-"bare bare-weld naive postcall postcall-debuglog postcall-noreport express"}
RUNS=${RUNS:-"load reject audio"}
REJECT_SIZES=${REJECT_SIZES:-"5k 50k 1m"}
INBOX_MODES=${INBOX_MODES:-"bare inbox-none inbox-file inbox-jdbc"}
UNIQUE=${UNIQUE:-300000}
AUDIO_WARMUPS=${AUDIO_WARMUPS:-3}
AUDIO_RUNS=${AUDIO_RUNS:-5}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-45}
REJECT_WARMUP=${REJECT_WARMUP:-15}  # the first rejection on a fresh server warms up for WARMUP
CONNS=${CONNS:-4}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT=${PORT:-8089}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx256m"}
export SECRET=${SECRET:-wsec_load_6b1f0e2d9c8a7b6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f}
URL=http://127.0.0.1:$PORT/webhook
TICKS=$(getconf CLK_TCK)
mkdir -p "$OUT"
LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
RAW=$OUT/raw.txt
: > "$RAW"

log() { echo "== $*" >&2; }

# ---- tools -------------------------------------------------------------------------------------------------------
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  sudo_if_needed apt-get install -y wrk >/dev/null || { sudo_if_needed apt-get update >/dev/null; sudo_if_needed apt-get install -y wrk >/dev/null; }
fi
for tool in taskset curl java mvn node npm sha256sum; do
  command -v $tool >/dev/null || { echo "load.sh needs $tool" >&2; exit 1; }
done
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building the benchmarks module"
  # no test classes: the receivers need none, and compiling every module's tests costs minutes on a shared machine
  mvn -B -q -Pbench -pl benchmarks -am package -Dmaven.test.skip=true
fi
CP=$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")
if [[ " $RUNS " == *" load "* && " $MODES " == *" express "* ]]; then
  NODE_DIR=${NODE_DIR:-$(mktemp -d /tmp/postcall-express.XXXXXX)}
  if [ ! -d "$NODE_DIR/node_modules/@elevenlabs/elevenlabs-js" ]; then
    log "npm install express @elevenlabs/elevenlabs-js into $NODE_DIR"
    (cd "$NODE_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund "express@${EXPRESS_VERSION:-5.3.0}" \
      "@elevenlabs/elevenlabs-js@${SDK_VERSION:-2.73.0}" >/dev/null 2>&1)
  fi
  cp "$ROOT/benchmarks/load/express-server.js" "$NODE_DIR/"
fi

java -cp "$CP" dev.postcall.bench.LoadServer payloads "$OUT/payloads" >/dev/null

# ---- one receiver ------------------------------------------------------------------------------------------------
SERVER_PID=
start_server() { # mode [extra JVM options...]
  local mode=$1; shift
  if [ "$mode" = express ]; then
    (cd "$NODE_DIR" && PORT=$PORT exec taskset -c "$SERVER_CPU" node express-server.js) > "$OUT/server-$mode.log" 2>&1 &
  else
    local java_mode=$mode props=""
    [ "$mode" = postcall-noreport ] && java_mode=postcall props="-Dpostcall.bench.report=false"
    [ "$mode" = postcall-debuglog ] && java_mode=postcall props="-Dpostcall.bench.deliveryLogLevel=debug"
    [ "$mode" = postcall-queuedlog ] && java_mode=postcall props="-Dpostcall.bench.queuedLog=true"
    # the inbox runs send distinct deliveries, so the ledger is on as in production; the directory and database
    # stores claim keys themselves (and refuse a delivery-ledger beside them)
    [ "$mode" = inbox-none ] && java_mode=postcall props="-Dpostcall.bench.ledger=memory"
    if [ "$mode" = inbox-file ]; then
      rm -rf "$OUT/inbox"; mkdir -p "$OUT/inbox"
      java_mode=postcall props="-Dpostcall.bench.inboxDir=$OUT/inbox"
    fi
    if [ "$mode" = inbox-jdbc ]; then
      start_postgres
      java_mode=postcall props="-Dpostcall.bench.jdbcUrl=jdbc:postgresql://localhost:$PG_PORT/postgres?user=postgres"
    fi
    # shellcheck disable=SC2086
    taskset -c "$SERVER_CPU" java $JAVA_OPTS "$@" $props -Dport=$PORT -cp "$CP" dev.postcall.bench.LoadServer \
      "$java_mode" > "$OUT/server-$mode.log" 2>&1 &
  fi
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server-$mode.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server $mode did not start" >&2; exit 1
}
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
  stop_postgres
}
# a fresh PostgreSQL per run, on the server's CPU (its processes inherit the launcher's affinity), durable commits
PG_LAUNCHER= PG_PORT= PG_PID= PG_VERSION=
start_postgres() {
  rm -f "$OUT/postgres.txt"
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CPU" java -Xmx64m ${PG_OPTS:-} -cp "$CP" dev.postcall.bench.LoadServer postgres "$OUT/postgres.txt" \
    > "$OUT/postgres.log" 2>&1 &
  PG_LAUNCHER=$!
  for _ in $(seq 1 600); do
    [ -s "$OUT/postgres.txt" ] && { read -r PG_PORT PG_PID PG_VERSION < "$OUT/postgres.txt"; echo "$PG_VERSION" > "$OUT/postgres-version.txt"; return 0; }
    kill -0 "$PG_LAUNCHER" 2>/dev/null || { cat "$OUT/postgres.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "postgres did not start" >&2; exit 1
}
stop_postgres() {
  [ -n "$PG_LAUNCHER" ] || return 0
  kill "$PG_LAUNCHER" 2>/dev/null || true   # its shutdown hook stops the server (pg_ctl stop)
  wait "$PG_LAUNCHER" 2>/dev/null || true
  PG_LAUNCHER= PG_PORT= PG_PID=
}
trap stop_server EXIT
# CPU ticks of the postmaster and its children (the backends serving the pool's connections)
pg_ticks() {
  local total=0 p
  for p in "$PG_PID" $(ps --ppid "$PG_PID" -o pid= 2>/dev/null); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sign() { java -cp "$CP" dev.postcall.bench.LoadServer sign "$1"; }

# drive body signature label [warm-up seconds] -> prints "label rps p50 p99 non2xx errors cpu_us_per_req"
# The warm-up is long because the JVM receivers share their one CPU with the JIT: Yasson's binding paths are large,
# and after 10-20 s C2 was still compiling them on the server's core (postcall at 5 KB: 173 us of CPU per request
# after a 10 s warm-up, 80 us after 40 s).
drive() {
  local body=$1 sig=$2 label=$3 warmup=${4:-$WARMUP}
  BODY=$body SIG=$sig taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${warmup}s" -s "$ROOT/benchmarks/load/post.lua" "$URL" >/dev/null
  local before after line
  before=$(cpu_ticks "$SERVER_PID")
  line=$(BODY=$body SIG=$sig taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 10s \
    -s "$ROOT/benchmarks/load/post.lua" "$URL" | grep '^RESULT')
  after=$(cpu_ticks "$SERVER_PID")
  echo "$label $line cpu_ticks=$((after - before))" >> "$RAW"
  echo "$label $(summary "$line" $((after - before)))"
}

# summary <wrk RESULT line> <server CPU ticks> -> "rps p50 p99 non2xx socket_errors cpu_us_per_req"
summary() {
  local line=$1 ticks=$2 requests
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  printf '%s %s %s %s %s %s\n' "$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")" \
    "$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$line")" "$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line")" \
    "$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$line")" \
    "$(awk '{for(i=1;i<=NF;i++){split($i,a,"="); if(a[1]~/^(connect|read|write|timeout)$/) s+=a[2]}} END{print s+0}' <<<"$line")" \
    "$(per_request "$ticks" "$requests")"
}
per_request() { awk -v t="$1" -v hz="$TICKS" -v n="$2" 'BEGIN{printf "%.0f", t * 1e6 / hz / n}'; }

# drive_unique series label -> prints "label rps p50 p99 non2xx errors cpu_us_per_req pg_cpu_us_per_req wrapped":
# as drive, each request a distinct delivery of the series, the measured run going on where the warm-up stopped.
drive_unique() {
  local series=$1 label=$2
  SERIES=$series START=0 NEXT="$OUT/next" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" \
    -s "$ROOT/benchmarks/load/post-unique.lua" "$URL" >/dev/null
  local before after pg_before=0 pg_after=0 line
  before=$(cpu_ticks "$SERVER_PID")
  [ -n "$PG_PID" ] && pg_before=$(pg_ticks)
  line=$(SERIES=$series START=$(cat "$OUT/next") NEXT="$OUT/next" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" \
    -d"${DURATION}s" --timeout 10s -s "$ROOT/benchmarks/load/post-unique.lua" "$URL" | grep '^RESULT')
  after=$(cpu_ticks "$SERVER_PID")
  [ -n "$PG_PID" ] && pg_after=$(pg_ticks)
  echo "$label $line cpu_ticks=$((after - before)) pg_cpu_ticks=$((pg_after - pg_before))" >> "$RAW"
  echo "$label $(summary "$line" $((after - before))) $(per_request $((pg_after - pg_before)) \
    "$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")") $(sed -E 's/.*wrapped=([0-9]+).*/\1/' <<<"$line")"
}

# ---- the load runs -----------------------------------------------------------------------------------------------
declare -A RPS P50 P99 NON2XX SOCK CPU
if [[ " $RUNS " == *" load "* ]]; then
  for size in $SIZES; do
    body=$OUT/payloads/transcription-$size.json
    for mode in $MODES; do
      log "$mode, $size body: warm-up ${WARMUP}s, then ${DURATION}s with $CONNS connections"
      start_server "$mode"
      read -r _ rps p50 p99 non2xx sock cpu < <(drive "$body" "$(sign "$body")" "$mode/$size")
      stop_server
      RPS[$mode/$size]=$rps; P50[$mode/$size]=$p50; P99[$mode/$size]=$p99; NON2XX[$mode/$size]=$non2xx
      SOCK[$mode/$size]=$sock; CPU[$mode/$size]=$cpu
    done
  done
fi

# ---- no inbox, the file inbox, the database inbox: distinct deliveries, each stored ----------------------------
declare -A IRPS IP50 IP99 INON2XX ISOCK ICPU IPGCPU IWRAP
if [[ " $RUNS " == *" inbox "* ]]; then
  for size in $SIZES; do
    body=$OUT/payloads/transcription-$size.json
    log "signing $UNIQUE distinct deliveries of the $size body"
    java -cp "$CP" dev.postcall.bench.LoadServer series "$body" "$UNIQUE" "$OUT/series" >&2
    for mode in $INBOX_MODES; do
      log "$mode, $size, distinct deliveries: warm-up ${WARMUP}s, then ${DURATION}s with $CONNS connections"
      start_server "$mode"
      read -r _ rps p50 p99 non2xx sock cpu pgcpu wrapped < <(drive_unique "$OUT/series/transcription-$size" "$mode/$size")
      stop_server
      k=$mode/$size
      IRPS[$k]=$rps; IP50[$k]=$p50; IP99[$k]=$p99; INON2XX[$k]=$non2xx; ISOCK[$k]=$sock; ICPU[$k]=$cpu
      IPGCPU[$k]=$pgcpu; IWRAP[$k]=$wrapped
    done
  done
fi

# ---- rejection is cheap: a bad header vs a bare read of the same body, at each of REJECT_SIZES ------------------
declare -A REJ
if [[ " $RUNS " == *" reject "* ]]; then
  for size in $REJECT_SIZES; do
    body=$OUT/payloads/transcription-$size.json
    log "bare, $size (the reference for rejections)"
    start_server bare
    read -r _ rps p50 p99 non2xx sock cpu < <(drive "$body" "$(sign "$body")" "reject/$size/bare-read" "$REJECT_WARMUP")
    REJ[$size/bare]="$rps $p50 $p99 $non2xx $sock $cpu"
    stop_server
    start_server postcall
    log "postcall, $size, malformed header"
    read -r _ rps p50 p99 non2xx sock cpu < <(drive "$body" "t=not-a-time,v0=zz" "reject/$size/malformed" "$WARMUP")
    REJ[$size/malformed]="$rps $p50 $p99 $non2xx $sock $cpu"
    log "postcall, $size, timestamp two days old"
    old=$(( $(date +%s) - 172800 ))
    read -r _ rps p50 p99 non2xx sock cpu < <(drive "$body" "t=$old,v0=$(printf '0%.0s' $(seq 64))" "reject/$size/expired" "$REJECT_WARMUP")
    REJ[$size/expired]="$rps $p50 $p99 $non2xx $sock $cpu"
    log "postcall, $size, well-formed header with a wrong signature (the body must be read and hashed)"
    read -r _ rps p50 p99 non2xx sock cpu < <(drive "$body" "t=$(date +%s),v0=$(printf '0%.0s' $(seq 64))" "reject/$size/mismatch" "$REJECT_WARMUP")
    REJ[$size/mismatch]="$rps $p50 $p99 $non2xx $sock $cpu"
    stop_server
  done
fi

# ---- 100 MB chunked audio ----------------------------------------------------------------------------------------
AUDIO_ROWS=""
if [[ " $RUNS " == *" audio "* ]]; then
  audio=$OUT/payloads/audio-100m.json
  if [ ! -f "$audio" ]; then
    log "writing a 100 MB audio body (75,000,000 random bytes, base64)"
    head -c 75000000 /dev/urandom > "$OUT/payloads/audio.raw"
    { printf '{"type":"post_call_audio","event_timestamp":%s,"data":{"agent_id":"agent_bench","conversation_id":"conv_bench_audio","full_audio":"' "$(date +%s)"
      base64 -w0 "$OUT/payloads/audio.raw"; printf '"}}'; } > "$audio"
  fi
  raw_sha=$(sha256sum "$OUT/payloads/audio.raw" | cut -d' ' -f1)
  post_audio() { # -> "http_code seconds"
    taskset -c "$LOAD_CPU" curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST -H 'Expect:' \
      -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/json' \
      -H "ElevenLabs-Signature: $(sign "$audio")" -T "$audio" "$URL"
  }
  for mode in bare postcall; do
    rm -rf "$OUT/saved"; mkdir -p "$OUT/saved"
    log "$mode, 100 MB chunked audio, -Xmx128m"
    start_server "$mode" -Xms32m -Xmx128m "-Xlog:gc:file=$OUT/gc-audio-$mode.log" -Dpostcall.bench.heapwatch=true \
      "-Dpostcall.bench.audioDir=$OUT/saved"
    for _ in $(seq 1 "$AUDIO_WARMUPS"); do post_audio >/dev/null; done   # the first requests after start are slow
    times=()
    for i in $(seq 1 "$AUDIO_RUNS"); do
      rm -f "$OUT/saved"/*
      curl -s "http://127.0.0.1:$PORT/stats?reset" > /dev/null
      read -r code secs < <(post_audio)
      times+=("$secs")
      stats=$(curl -s "http://127.0.0.1:$PORT/stats")
      echo "audio/$mode run $i: status=$code seconds=$secs $stats" >> "$RAW"
      base=$(sed -E 's/.*heapBase=([0-9]+).*/\1/' <<<"$stats"); peak=$(sed -E 's/.*heapPeak=([0-9]+).*/\1/' <<<"$stats")
      hwm=$(sed -E 's/.*VmHWM=([0-9]+)kB.*/\1/' <<<"$stats")
      growth=$(( (peak - base) / 1048576 ))
      saved="-"
      if [ "$mode" = postcall ]; then
        saved=$(sha256sum "$OUT/saved/conv_bench_audio.mp3" 2>/dev/null | cut -d' ' -f1)
        [ "$saved" = "$raw_sha" ] && saved="equal" || saved="DIFFERENT"
      fi
      AUDIO_ROWS+="| $mode | $i | $code | $secs | $growth | $((hwm / 1024)) | $saved |"$'\n'
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
    AUDIO_ROWS+="| $mode | median of $AUDIO_RUNS | | $median | | | |"$'\n'
    gcmax=$(grep -oE '[0-9]+M->' "$OUT/gc-audio-$mode.log" | sed 's/M->//' | sort -n | tail -1 || true)
    AUDIO_ROWS+="| $mode | GC log: largest heap before a collection over the whole run | | | ${gcmax:-none} MB | | |"$'\n'
    stop_server
  done
fi

# ---- JFR profiles (postcall at 50 KB unless PROFILE_MODES / PROFILE_SIZES say otherwise) ------------------------
if [ -n "${PROFILE:-}" ]; then
  for size in ${PROFILE_SIZES:-50k}; do
    for mode in ${PROFILE_MODES:-postcall}; do
      body=$OUT/payloads/transcription-$size.json
      log "$mode, $size, under JFR"
      start_server "$mode" "-XX:StartFlightRecording=filename=$OUT/$mode-$size.jfr,settings=profile,delay=${WARMUP}s"
      drive "$body" "$(sign "$body")" "profile/$mode-$size" > /dev/null
      jcmd "$SERVER_PID" JFR.dump filename="$OUT/$mode-$size.jfr" >/dev/null
      stop_server
      "$ROOT/benchmarks/load/jfr-summary.sh" "$OUT/$mode-$size.jfr" > "$OUT/profile-$mode-$size.txt" || true
    done
  done
fi

# ---- perf profiles (PERF=1; the same modes and sizes as PROFILE): all of the server's CPU, the kernel's included ----
# JFR samples only threads running Java code, so its shares leave out the system calls (a 5 KB request spends about a
# third of its CPU in the kernel) and the JVM's own threads; perf samples the whole process, with the JIT's symbols
# from jcmd Compiler.perfmap.
if [ -n "${PERF:-}" ]; then
  command -v perf >/dev/null || { echo "PERF=1 needs perf: sudo apt-get install linux-perf" >&2; exit 1; }
  for size in ${PROFILE_SIZES:-50k}; do
    for mode in ${PROFILE_MODES:-postcall}; do
      body=$OUT/payloads/transcription-$size.json
      log "$mode, $size, under perf"
      start_server "$mode" -XX:+PreserveFramePointer
      ( sleep "$WARMUP"; perf record -q -F 499 -g -p "$SERVER_PID" -o "$OUT/perf-$mode-$size.data" -- sleep "$DURATION" \
          >/dev/null 2>&1 ) &
      perf_pid=$!
      line=$(drive "$body" "$(sign "$body")" "perf/$mode-$size")
      wait "$perf_pid"
      jcmd "$SERVER_PID" Compiler.perfmap >/dev/null
      "$ROOT/benchmarks/load/perf-summary.sh" "$OUT/perf-$mode-$size.data" "$(awk '{print $7}' <<<"$line")" \
        > "$OUT/perf-$mode-$size.txt" || true
      stop_server
    done
  done
fi

# ---- the tables --------------------------------------------------------------------------------------------------
{
  echo "## Load ($(date -u +%FT%TZ); load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(java -version 2>&1 | head -1);" \
    "node $(node --version)$([ -n "${NODE_DIR:-}" ] && for m in express @elevenlabs/elevenlabs-js; do printf ', %s %s' $m "$(node -p "require('$NODE_DIR/node_modules/$m/package.json').version" 2>/dev/null)"; done); wrk ${CONNS} connections, 1 thread, ${WARMUP}s warm-up + ${DURATION}s; server on CPU $SERVER_CPU, wrk on CPU $LOAD_CPU"
  echo
  if [[ " $RUNS " == *" load "* ]]; then
    echo "| receiver | body | req/s | p50 ms | p99 ms | non-2xx | socket errors | server CPU µs/req | req/s vs bare | vs naive | vs express | per CPU µs: vs bare | vs naive | vs express |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for size in $SIZES; do
      for mode in $MODES; do
        k=$mode/$size
        ratio() { local ref=${RPS[$1/$size]:-}; [ -n "$ref" ] && awk -v a="${RPS[$k]}" -v b="$ref" 'BEGIN{printf "%.2f×", a/b}' || echo "-"; }
        # the same ratio from server CPU per request: work per core, steadier than req/s on a shared machine
        cpuratio() { local ref=${CPU[$1/$size]:-}; [ -n "$ref" ] && awk -v a="${CPU[$k]}" -v b="$ref" 'BEGIN{printf "%.2f×", b/a}' || echo "-"; }
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$mode" "$size" "${RPS[$k]}" \
          "$(awk -v u="${P50[$k]}" 'BEGIN{printf "%.2f", u/1000}')" "$(awk -v u="${P99[$k]}" 'BEGIN{printf "%.2f", u/1000}')" \
          "${NON2XX[$k]}" "${SOCK[$k]}" "${CPU[$k]}" "$(ratio bare)" "$(ratio naive)" "$(ratio express)" \
          "$(cpuratio bare)" "$(cpuratio naive)" "$(cpuratio express)"
      done
    done
    echo
  fi
  if [[ " $RUNS " == *" inbox "* ]]; then
    echo "Distinct deliveries ($UNIQUE pre-signed, wrapped = how often the series started over: a database run that wrapped measured duplicates), PostgreSQL $(cat "$OUT/postgres-version.txt" 2>/dev/null || echo "?") (the tests' embedded one, io.zonky.test), fsync=on, synchronous_commit=on, on CPU $SERVER_CPU with the server; the file inbox in $OUT/inbox ($(df -T "$OUT" | awk 'NR==2{print $2}'))."
    echo
    echo "| receiver | body | req/s | p50 ms | p99 ms | non-2xx | socket errors | server JVM CPU µs/req | PostgreSQL CPU µs/req | wrapped | req/s vs no inbox |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for size in $SIZES; do
      for mode in $INBOX_MODES; do
        k=$mode/$size
        ref=${IRPS[inbox-none/$size]:-}
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$mode" "$size" "${IRPS[$k]}" \
          "$(awk -v u="${IP50[$k]}" 'BEGIN{printf "%.2f", u/1000}')" "$(awk -v u="${IP99[$k]}" 'BEGIN{printf "%.2f", u/1000}')" \
          "${INON2XX[$k]}" "${ISOCK[$k]}" "${ICPU[$k]}" "$([ "$mode" = inbox-jdbc ] && echo "${IPGCPU[$k]}" || echo -)" \
          "${IWRAP[$k]}" "$([ -n "$ref" ] && awk -v a="${IRPS[$k]}" -v b="$ref" 'BEGIN{printf "%.2f×", a/b}' || echo -)"
      done
    done
    echo
  fi
  if [[ " $RUNS " == *" reject "* ]]; then
    echo "| body | request | req/s | p50 ms | p99 ms | non-2xx (expected: all but bare, 401) | socket errors | server CPU µs/req | CPU vs the bare read |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for size in $REJECT_SIZES; do
      for k in bare malformed expired mismatch; do
        read -r rps p50 p99 non2xx sock cpu <<<"${REJ[$size/$k]}"
        read -r _ _ _ _ _ bare_cpu <<<"${REJ[$size/bare]}"
        printf '| %s | %s | %s | %.2f | %.2f | %s | %s | %s | %s |\n' "$size" "$k" "$rps" \
          "$(awk -v u="$p50" 'BEGIN{print u/1000}')" "$(awk -v u="$p99" 'BEGIN{print u/1000}')" "$non2xx" "$sock" "$cpu" \
          "$(awk -v a="$cpu" -v b="$bare_cpu" 'BEGIN{printf "%.2f×", a/b}')"
      done
    done
    echo
  fi
  if [ -n "$AUDIO_ROWS" ]; then
    echo "| 100 MB chunked audio, -Xmx128m | run | status | wall s (curl) | heap growth MB (peak − base, polled 1 ms) | VmHWM MB (reset before the request) | saved sha256 vs original |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
    printf '%s' "$AUDIO_ROWS"
    echo
  fi
  for size in ${PROFILE_SIZES:-50k}; do
    for mode in ${PROFILE_MODES:-postcall}; do
      if [ -n "${PROFILE:-}" ] && [ -f "$OUT/profile-$mode-$size.txt" ]; then
        echo "Profile of $mode at $size:"; echo '```'; cat "$OUT/profile-$mode-$size.txt"; echo '```'
      fi
      if [ -n "${PERF:-}" ] && [ -f "$OUT/perf-$mode-$size.txt" ]; then
        echo "perf profile of $mode at $size:"; echo '```'; cat "$OUT/perf-$mode-$size.txt"; echo '```'
      fi
    done
  done
} > "$OUT/results.md"
cat "$OUT/results.md"
