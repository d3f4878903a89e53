#!/usr/bin/env bash
# Summarises a JFR recording's jdk.ExecutionSample events: each sample is counted once, under the first of these
# that appears anywhere in its stack (so "JSON-B (Yasson)" includes the JSON-P it drives, and "logging" the line
# postcall logs per delivery, its formatting and its write).
# usage: jfr-summary.sh recording.jfr
set -euo pipefail
jfr print --events jdk.ExecutionSample --stack-depth 200 "$1" | awk '
  function flush() {
    if (!inside) return
    c = "other (JDK, Jetty I/O)"
    if (s ~ /java\.util\.logging/) c = "logging (java.util.logging: format, write)"
    else if (s ~ /org\.eclipse\.yasson/) c = "JSON-B binding (Yasson, incl. its Parsson)"
    else if (s ~ /org\.eclipse\.parsson/) c = "JSON-P alone (Parsson)"
    else if (s ~ /dev\.postcall\.(internal\.)?json\.(JsonScanner|BodyJson)/) c = "postcall envelope scan"
    else if (s ~ /com\.sun\.crypto\.provider\.HmacCore|sun\.security\.provider\.SHA2|sun\.security\.provider\.DigestBase/) c = "HMAC-SHA256"
    else if (s ~ /dev\.postcall\.CallReports/) c = "CallReport building"
    else if (s ~ /org\.jboss\.weld/) c = "Weld (request context, CDI event dispatch)"
    else if (s ~ /dev\.postcall\.servlet\.PostCallWebhookServlet/) c = "postcall servlet (dispatch, answer incl. its write)"
    else if (s ~ /dev\.postcall\.servlet\.(BodyVerification|PostCallWebhookFilter)/) c = "postcall filter (header, body read)"
    else if (s ~ /dev\.postcall/) c = "postcall other"
    else if (s ~ /org\.eclipse\.jetty/) c = "Jetty (HTTP, I/O)"
    n[c]++; total++
    inside = 0; s = ""
  }
  /jdk\.ExecutionSample/ { flush(); inside = 1; next }
  inside { s = s " " $0 }
  END {
    flush()
    for (c in n) printf "%6.1f%%  %6d  %s\n", 100 * n[c] / total, n[c], c | "sort -rn"
    close("sort -rn")
    printf "%6s   %6d  samples\n", "", total
  }'
echo
echo "top frames (self time):"
jfr print --events jdk.ExecutionSample --stack-depth 1 "$1" | grep -A1 'stackTrace = \[' | grep -v -e 'stackTrace' -e '^--' \
  | sed -e 's/line:.*//' -e 's/^ *//' | sort | uniq -c | sort -rn | head -25 || true  # head closes the pipe early; not a failure
