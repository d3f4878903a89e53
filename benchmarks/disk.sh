#!/usr/bin/env bash
# Bytes one 100 MB audio delivery makes the server write, with an inbox and an asynchronous observer:
#   benchmarks/disk.sh                 (builds the benchmarks module first; SKIP_BUILD=1 to reuse it)
# Starts the postcall LoadServer with -Dpostcall.bench.inboxDir (the servlet's inbox-dir) and java.io.tmpdir in one
# folder on one file system, posts a 100 MB chunked audio delivery whose agent (agent_disk) has an @ObservesAsync
# observer reading the whole audio, waits for that observer, and prints the server JVM's /proc/<pid>/io counters
# over the delivery: wchar (bytes passed to write calls), write_bytes (bytes dirtied for storage) and
# cancelled_write_bytes (dirtied bytes dropped before writeback because the file was deleted first).
# Knobs: RUNS=3  PORT=8091  OUT=benchmarks/target/disk  JAVA_OPTS="-Xms64m -Xmx256m"
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${OUT:-$ROOT/benchmarks/target/disk}
PORT=${PORT:-8091}
RUNS=${RUNS:-3}
JAVA_OPTS=${JAVA_OPTS:-"-Xms64m -Xmx256m"}
export SECRET=${SECRET:-wsec_load_6b1f0e2d9c8a7b6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f}
URL=http://127.0.0.1:$PORT/webhook
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -Pbench -pl benchmarks -am package -DskipTests
fi
CP=$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")
mkdir -p "$OUT"
audio=$OUT/audio-100m-disk.json
if [ ! -f "$audio" ]; then
  head -c 75000000 /dev/urandom > "$OUT/audio.raw"
  { printf '{"type":"post_call_audio","event_timestamp":%s,"data":{"agent_id":"agent_disk","conversation_id":"conv_disk","full_audio":"' "$(date +%s)"
    base64 -w0 "$OUT/audio.raw"; printf '"}}'; } > "$audio"
fi
run=$OUT/run
rm -rf "$run"; mkdir -p "$run/tmp" "$run/inbox"
# shellcheck disable=SC2086
java $JAVA_OPTS -Djava.io.tmpdir="$run/tmp" -Dpostcall.bench.inboxDir="$run/inbox" -Dpostcall.bench.saveAudio=false \
  -Dport=$PORT -cp "$CP" dev.postcall.bench.LoadServer postcall > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
field() { sed -E "s/.*[ ]$1=([0-9]+).*/\1/" <<<"$2"; }
for i in $(seq 1 "$RUNS"); do
  before=$(curl -s "http://127.0.0.1:$PORT/stats")
  sig=$(java -cp "$CP" dev.postcall.bench.LoadServer sign "$audio")
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Expect:' -H 'Transfer-Encoding: chunked' \
    -H 'Content-Type: application/json' -H "ElevenLabs-Signature: $sig" -T "$audio" "$URL")
  want=$(( $(field asyncAudioBytes "$before") + 75000000 ))
  for _ in $(seq 1 600); do
    now=$(curl -s "http://127.0.0.1:$PORT/stats")
    [ "$(field asyncAudioBytes "$now")" -ge "$want" ] && break
    sleep 0.1
  done
  sleep 1   # the async observer's lease closes after it returns
  after=$(curl -s "http://127.0.0.1:$PORT/stats")
  left=$(find "$run/tmp" "$run/inbox" -type f | wc -l)
  printf 'run %s: status %s, async observer read %s bytes, wchar %s MB, write_bytes %s MB, cancelled_write_bytes %s MB, files left %s\n' \
    "$i" "$code" "$(( $(field asyncAudioBytes "$after") - $(field asyncAudioBytes "$before") ))" \
    "$(( ($(field wchar "$after") - $(field wchar "$before")) / 1000000 ))" \
    "$(( ($(field write_bytes "$after") - $(field write_bytes "$before")) / 1000000 ))" \
    "$(( ($(field cancelled_write_bytes "$after") - $(field cancelled_write_bytes "$before")) / 1000000 ))" "$left"
done
