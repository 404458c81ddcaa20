#!/bin/sh
# Records a new expected transcript after an intended change to the pack; commit it with the change.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
reach="${REACH:-reach}"
rm -f "$here/recorded.jsonl"
"$reach" run "$here/../pack" --out "$here/recorded.jsonl"
