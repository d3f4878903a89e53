#!/usr/bin/env bash
# Fuzzes each postcall fuzz target for real, one after the other, and prints the executions libFuzzer reports.
#   fuzz/run.sh                 every target, 10 minutes each
#   fuzz/run.sh 180             every target, 3 minutes each
#   fuzz/run.sh 600 SignatureFuzzTest EventParserFuzzTest
#   MVN_OPTS_EXTRA=-o fuzz/run.sh 180      offline, once the dependencies are downloaded
# Logs go to core/target/fuzz-<target>.log (the servlet module's ClientAddressFuzzTest's too). Jazzer writes a
# finding as a crash-* file into the target's src/test/resources/.../<Target>Inputs/<method>/ directory (ignored
# by git until renamed and committed).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(SignatureFuzzTest EventParserFuzzTest IpAllowlistFuzzTest IpLiteralFuzzTest ClientAddressFuzzTest)
fi
mkdir -p core/target
status=0
for target in "${targets[@]}"; do
  log="core/target/fuzz-${target}.log"
  echo "== ${target}: fuzzing for ${seconds} s, log in ${log}"
  # jazzer.internal.arg.N are libFuzzer's arguments (argv[0] first); the last -max_total_time wins over the
  # annotation's maxDuration. -Xmx keeps one fuzzing JVM from taking a quarter of the machine's memory.
  if JAZZER_FUZZ=1 mvn -B ${MVN_OPTS_EXTRA:-} -pl core,servlet -am test -Dtest="${target}" -Dsurefire.failIfNoSpecifiedTests=false \
      -DargLine=-Xmx1g \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="${seconds}" >"${log}" 2>&1; then
    result="no finding"
  else
    result="FINDING or failure (see ${log})"
    status=1
  fi
  done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "${log}" | tail -1 || true)"
  echo "   ${done_line:-no 'Done' line}; ${result}"
done
exit ${status}
