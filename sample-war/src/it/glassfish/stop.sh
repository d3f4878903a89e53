#!/bin/sh
# Stops the GlassFish domain start.sh started: stop.sh GLASSFISH_HOME DOMAINS_DIR
[ -d "$2/postcall" ] || exit 0
"$1/bin/asadmin" stop-domain --domaindir "$2" postcall
