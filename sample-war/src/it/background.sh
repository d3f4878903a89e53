#!/bin/sh
# Starts a server the build runs in the background: background.sh LOG PIDFILE COMMAND [ARG...]
# COMMAND's output goes to LOG, its PID to PIDFILE (exec keeps the PID), so stop-by-pidfile.sh can end it.
log=$1
pidfile=$2
shift 2
echo $$ > "$pidfile"
exec "$@" > "$log" 2>&1
