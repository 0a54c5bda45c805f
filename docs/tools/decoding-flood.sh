#!/bin/bash
# One client floods a running gateway (./inkstream up) with 60 uploads of a 4096 x 4096 page, one after another, from
# 127.0.0.50, while another client (127.0.0.51) uploads a drawing and polls it until classified: how long the flood
# holds back someone else's answer, and how many pages the gateway accepts (docs/robustness.md, hostile input).
# Usage: docs/tools/decoding-flood.sh [GATEWAY_URL]
set -euo pipefail
url=${1:-http://127.0.0.1:8080}
dir=$(mktemp -d)
java "$(dirname "$0")/DecodingFloodImages.java" "$dir"
attack() {
  for _ in $(seq 1 60); do
    curl -s -o /dev/null -w "%{http_code}\n" --interface 127.0.0.50 -H 'Content-Type: image/png' --data-binary @"$dir/page.png" "$url/api/images"
  done | sort | uniq -c | tr '\n' ' '
  echo
}
probe() {
  local t0 loc status
  t0=$(date +%s%N)
  loc=$(curl -s -D - -o /dev/null --interface 127.0.0.51 -H 'Content-Type: image/png' --data-binary @"$dir/probe.png" "$url/api/images" \
    | grep -i '^location:' | tr -d '\r' | awk '{print $2}')
  while true; do
    status=$(curl -s --interface 127.0.0.51 "$url$loc" | python3 -c "import json,sys; print(json.load(sys.stdin).get('status'))")
    [ "$status" = classified ] && break
    sleep 0.05
  done
  echo "probe $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}
echo "before:"; probe; probe
echo "during (answers to the flood, by status):"
t0=$(date +%s%N); attack & sleep 1; probe; probe; probe; wait
echo "flood sent in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
sleep 2; echo "after:"; probe
