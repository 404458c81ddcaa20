#!/bin/sh
# Records a new expected transcript after an intended change to the pack; commit it with the change.
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
rm -f "$here/recorded.jsonl"
"$reach" run "$here/../pack" --out "$here/recorded.jsonl"
