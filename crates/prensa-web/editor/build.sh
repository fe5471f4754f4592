#!/usr/bin/env bash
# Rebuilds the admin's editor bundle (crates/prensa-web/admin/static/editor.js)
# from the exact versions in package-lock.json, and runs the round-trip
# tests. `.ci/run` runs this and fails if the bundle differs from the
# committed one.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
node build.mjs
node --test test/
