#!/usr/bin/env bash
# Prints the folder of a Node.js release from the npm registry (the node-linux-<arch> package, which
# carries the binary and the headers native addons compile against), installing it once under
# ~/.cache/auth-hooks. .ci/run puts Node 22, the release `engines` and the image name, first on PATH:
#   node_dir=$(scripts/use-node.sh 22); PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" npm test
set -euo pipefail
major="${1:?usage: scripts/use-node.sh MAJOR}"
arch="$(node -p 'process.arch')"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/auth-hooks/node-$major"
if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-linux-$arch@$major" >&2
fi
echo "$dir/node_modules/node-linux-$arch"
