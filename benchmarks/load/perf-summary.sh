#!/usr/bin/env bash
# Summarises a perf recording of a load-test server (load.sh PERF=1): every sample of the process, the kernel's and
# the JVM's own threads included, counted once under the first of these that applies, with its share of the server's
# CPU per request. Java parts are matched anywhere in the sample's stack, as in jfr-summary.sh, so "logging" includes
# the write system call of the line; the kernel's samples under no such part are split by what the kernel was doing.
# usage: perf-summary.sh perf.data [server CPU µs per request]
set -euo pipefail
perf script -i "$1" -F comm,ip,sym,dso 2>/dev/null | awk -v us="${2:-}" '
  function flush() {
    if (!inside) return
    c = "other"
    if (s ~ /java\.util\.logging/) c = "logging (java.util.logging: format, write incl. its system call)"
    else if (comm ~ /^(C1|C2) Compiler/) c = "JVM: JIT compiler threads"
    else if (comm ~ /^(VM Thread|GC Thread|VM Periodic)/) c = "JVM: GC and safepoints"
    else if (s ~ /org\.eclipse\.yasson/) c = "JSON-B binding (Yasson, incl. its Parsson)"
    else if (s ~ /org\.eclipse\.parsson/) c = "JSON-P alone (Parsson)"
    else if (s ~ /dev\.postcall\.(internal\.)?json\.(JsonScanner|BodyJson)/) c = "postcall envelope scan"
    else if (s ~ /HmacCore|sun\.security\.provider\.(SHA2|DigestBase)/) c = "HMAC-SHA256"
    else if (s ~ /dev\.postcall\.CallReports/) c = "CallReport building"
    else if (s ~ /org\.jboss\.weld/) c = "Weld (request context, CDI event dispatch)"
    else if (s ~ / tcp_sendmsg/) c = "kernel: TCP send (loopback: the receiving side runs here too)"
    else if (s ~ / (tcp_recvmsg|sock_read_iter)/) c = "kernel: TCP receive"
    else if (s ~ / (__x64_sys_futex|schedule|finish_task_switch)/) c = "kernel: thread wake-ups and switches"
    else if (s ~ / (__x64_sys_epoll|ep_poll)/) c = "kernel: epoll"
    else if (leafdso ~ /kernel/) c = "kernel: other (interrupts, faults, other calls)"
    else if (s ~ /dev\.postcall\.servlet\.PostCallWebhookServlet/) c = "postcall servlet (dispatch, answer)"
    else if (s ~ /dev\.postcall\.servlet\.(BodyVerification|PostCallWebhookFilter)/) c = "postcall filter (header, body read)"
    else if (s ~ /dev\.postcall\.bench/) c = "benchmark receiver code (naive: String body, Mac, checks)"
    else if (s ~ /dev\.postcall/) c = "postcall other"
    else if (s ~ /org\.eclipse\.jetty/) c = "Jetty (HTTP)"
    else if (leafdso ~ /libjvm/) c = "JVM: runtime on request threads"
    n[c]++; total++
    inside = 0; s = ""; leafdso = ""
  }
  /^[^ \t]/ { flush(); inside = 1; comm = $0; sub(/ +$/, "", comm); next }
  inside && NF {
    if (leafdso == "") { leafdso = $NF }
    s = s " " $0
  }
  END {
    flush()
    for (c in n) {
      if (us != "") printf "%6.1f%%  %6d  %6.1f µs  %s\n", 100 * n[c] / total, n[c], us * n[c] / total, c | "sort -rn"
      else printf "%6.1f%%  %6d  %s\n", 100 * n[c] / total, n[c], c | "sort -rn"
    }
    close("sort -rn")
    printf "%6s   %6d  samples%s\n", "", total, us == "" ? "" : sprintf(", %s µs of server CPU per request", us)
  }'
