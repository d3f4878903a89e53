#!/bin/sh
# Stops the servers the build started in the background (Payara Micro): stop-by-pidfile.sh WORD PIDFILE...
# Each PIDFILE holds the PID its launcher wrote; a process is stopped only if its command line contains WORD
# (never a stranger that got the PID later): SIGTERM, up to 30 s to exit, then SIGKILL.
word=$1
shift
for pidfile in "$@"; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  case "$(ps -o args= -p "$pid" 2>/dev/null)" in
    *"$word"*) ;;
    *) continue ;;
  esac
  kill "$pid" 2>/dev/null || continue
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 60 ]; do
    sleep 0.5
    i=$((i + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "pid $pid ($pidfile) did not stop within 30 s: killed"
    kill -9 "$pid" 2>/dev/null
  fi
done
exit 0
