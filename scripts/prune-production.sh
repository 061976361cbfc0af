#!/bin/sh
# Removes what a production node_modules carries but never runs (about 40 MB): recheck's JVM
# build (recheck-jar; recheck runs its native analyser, and the image has no Java) and
# better-sqlite3's build objects and SQLite sources (only build/Release/better_sqlite3.node is
# loaded). The Dockerfile runs it; test/package.e2e.test.ts runs it on the same install and serves.
set -eu
modules="${1:-node_modules}"
rm -rf "$modules/recheck-jar"
addon="$modules/better-sqlite3"
if [ -f "$addon/build/Release/better_sqlite3.node" ]; then
  mv "$addon/build/Release/better_sqlite3.node" "$addon/better_sqlite3.node.keep"
  rm -rf "$addon/build" "$addon/deps" "$addon/src"
  mkdir -p "$addon/build/Release"
  mv "$addon/better_sqlite3.node.keep" "$addon/build/Release/better_sqlite3.node"
fi
