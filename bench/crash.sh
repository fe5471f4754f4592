#!/usr/bin/env bash
# Kills `prensa serve` with SIGKILL at random moments while an editor
# streams saves and publishes, many times over, and checks after every
# restart that each acknowledged save is in the database and SQLite's
# integrity check passes (crates/prensa/tests/crash.rs). A trial in which
# the server acknowledged fewer than 5 saves before the kill fails: a hung
# server must not pass.
#
#   bash bench/crash.sh [TRIALS]      # default 120
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-120}
PRENSA_CRASH_TRIALS=$trials cargo test -q -p prensa --test crash -- --nocapture 2>&1 \
  | grep -E "^(crash|trial)" | tee /tmp/prensa-crash.log | tail -3
