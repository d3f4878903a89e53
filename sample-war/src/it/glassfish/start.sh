#!/bin/sh
# GlassFish for the sample's ITs: start.sh GLASSFISH_HOME DOMAINS_DIR PORTBASE WAR
# A fresh domain on its own port base (HTTP PORTBASE+80, admin PORTBASE+48, ...), the WAR in its autodeploy folder
# (GlassFish serves it at /<file name>), then the domain in the foreground, so it ends with the build at the latest.
# Cargo 1.10.20 cannot drive GlassFish 8: it looks for glassfish/modules/admin-cli.jar, which 8.0 no longer has.
# AS_JAVA names the JDK (21+); the rest of the environment passes on to the server.
set -e
home=$1
domains=$2
portbase=$3
war=$4
chmod +x "$home/bin/"* "$home/glassfish/bin/"*
rm -rf "$domains"
"$home/bin/asadmin" --user admin create-domain --nopassword --portbase "$portbase" --domaindir "$domains" postcall
mkdir -p "$domains/postcall/autodeploy"
cp "$war" "$domains/postcall/autodeploy/postcall-sample.war"
exec "$home/bin/asadmin" start-domain --verbose --domaindir "$domains" postcall
