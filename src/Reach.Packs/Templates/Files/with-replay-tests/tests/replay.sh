#!/bin/sh
# Regression test: the recorded transcript must verify, and replaying it against the pack must give the same
# fingerprint. Exit 0 when it does; exit 1 names the first divergent event and its likely cause.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
# Which reach: $REACH, else `reach` on PATH, else the ./reach of the Reach checkout this pack lies in.
reach="${REACH:-}"
if [ -z "$reach" ]; then
  if command -v reach >/dev/null 2>&1; then
    reach=reach
  else
    dir="$here"
    while [ "$dir" != / ] && [ -z "$reach" ]; do
      if [ -f "$dir/Reach.slnx" ] && [ -x "$dir/reach" ]; then reach="$dir/reach"; fi
      dir="$(dirname "$dir")"
    done
  fi
fi
if [ -z "$reach" ]; then
  echo "$0: reach not found: put it on PATH (./reach install-path in a Reach checkout) or set REACH=/path/to/reach" >&2
  exit 3
fi
"$reach" verify "$here/recorded.jsonl"
"$reach" replay "$here/recorded.jsonl" --pack "$here/../pack"
