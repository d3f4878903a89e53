#!/usr/bin/env bash
# Soak (not in CI): mixed valid, invalid and audio webhook traffic at saturation against the whole stack
# (embedded Jetty 12 + Weld + PostCallWebhookFilter + PostCallWebhookServlet with an inbox + the CDI handler),
# run as a server process of its own; every minute a full GC in it, then heap used, open file descriptors and
# temp files are recorded. Passes when no status was unexpected, the heap after full GC at the last minute is
# within 10 % of minute 2, file descriptors are flat and no temp file is left.
#
#   soak/soak.sh [minutes=10]   env: THREADS (8), LEDGER (off|memory), WARMUP (minutes of unjudged traffic
#                               first, 0), MVN_FLAGS (e.g. -o)
#
# LEDGER=off by default: the servlet's in-memory delivery ledger keeps up to 100,000 keys by design (some 25 MB),
# which traffic at saturation fills during the run, so the heap only flattens once it is full; LEDGER=memory
# includes it (expect growth until about 100,000 valid deliveries, then flat; WARMUP=4 fills it first at ~500/s).
#
# Another running server (the sample app, say) instead of the embedded one: SOAK_URL=<webhook url>
# SOAK_SECRET=<its secret> SOAK_PID=<its JVM's pid> SOAK_DIRS="<its temp dir> <its inbox> ..." soak/soak.sh 10
# (SOAK_AUDIO_BYTES=900000 makes the audio deliveries larger than a default 1 MiB memory-threshold). The sample on
# Tomcat, for instance: ELEVENLABS_WEBHOOK_SECRET=<s> mvn -B -Prun -pl sample-war -am package -DskipTests
# -Drun.port=18580, then SOAK_URL=http://localhost:18580/elevenlabs/webhook SOAK_SECRET=<s>
# SOAK_PID=<pid listening on 18580> SOAK_DIRS=sample-war/target/cargo/run/work/Catalina/localhost/ROOT
#
# Linux only (/proc/<pid>/fd); needs the JDK's jcmd. Output and the server's log stay in a /tmp/postcall-soak.* dir.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
threads=${THREADS:-8}
ledger=${LEDGER:-off}
secret="wsec_soak_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
work=$(mktemp -d /tmp/postcall-soak.XXXXXX)
mkdir -p "$work/jvm-tmp"

echo "== building the test classpath (cdi module and what it needs)"
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} -pl cdi -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test
cp="cdi/target/test-classes:cdi/target/classes:$(cat "$work/cp.txt")"

if [ -n "${SOAK_URL:-}" ]; then
  echo "== soak: $minutes minute(s), $threads threads, against $SOAK_URL (pid $SOAK_PID)"
  # shellcheck disable=SC2086
  exec java -Xmx256m -Dsoak.audioBytes="${SOAK_AUDIO_BYTES:-150000}" -Dsoak.warmupMinutes="${WARMUP:-0}" \
    -cp "$cp" dev.postcall.soak.SoakClient "$SOAK_URL" "$SOAK_SECRET" "$minutes" "$threads" \
    "$SOAK_PID" ${SOAK_DIRS:-}
fi

echo "== starting the server (work dir $work, delivery-ledger=$ledger)"
java -Xmx256m -Djava.io.tmpdir="$work/jvm-tmp" -cp "$cp" dev.postcall.soak.SoakServer "$work" "$secret" "$ledger" \
  > "$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  [ -s "$work/url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
url=$(cat "$work/url")

echo "== soak: $minutes minute(s), $threads threads, against $url"
status=0
java -Xmx256m -Dsoak.warmupMinutes="${WARMUP:-0}" -cp "$cp" dev.postcall.soak.SoakClient \
  "$url" "$secret" "$minutes" "$threads" "$server" \
  "$work/container-tmp" "$work/jvm-tmp" "$work/inbox" | tee "$work/report.txt" || status=$?

echo "server log: $(grep -c -E '^(SEVERE|WARNING)' "$work/server.log" || true) SEVERE/WARNING line(s) in $work/server.log"
exit "$status"
