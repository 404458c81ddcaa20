#!/bin/sh
# Regression test: the recorded transcript must verify, and replaying it against the pack must give the same
# fingerprint. Exit 0 when it does; exit 1 names the first divergent event and its likely cause.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
reach="${REACH:-reach}"
"$reach" verify "$here/recorded.jsonl"
"$reach" replay "$here/recorded.jsonl" --pack "$here/../pack"
