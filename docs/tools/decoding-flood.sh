#!/bin/bash
# One client floods a running gateway (./inkstream up) with 60 uploads of a 4096 x 4096 page, one after another, from
# 127.0.0.50, while another client (127.0.0.51) uploads a drawing and polls it until classified: how long the flood
# holds back someone else's answer, and how many pages the gateway accepts (docs/robustness.md, hostile input).
# CROWD=N: N clients (127.0.0.60 on) each send the 60 pages at once, a crowd each under its own decoding rate
# (docs/gateway.md, the edge).
# Usage: [CROWD=N] docs/tools/decoding-flood.sh [GATEWAY_URL]
set -euo pipefail
url=${1:-http://127.0.0.1:8080}
crowd=${CROWD:-0}
dir=$(mktemp -d)
java "$(dirname "$0")/DecodingFloodImages.java" "$dir"
send_pages() {
  for _ in $(seq 1 60); do
    curl -s -o /dev/null -w "%{http_code}\n" --interface "$1" -H 'Content-Type: image/png' --data-binary @"$dir/page.png" "$url/api/images"
  done
}
attack() {
  if [ "$crowd" -eq 0 ]; then
    send_pages 127.0.0.50
  else
    for n in $(seq 1 "$crowd"); do send_pages "127.0.0.$((59 + n))" & done
    wait
  fi | sort | uniq -c | tr '\n' ' '
  echo
}
probe() {
  local t0 loc status refused=0
  t0=$(date +%s%N)
  while true; do
    # Refused (429, or 503 while a crowd holds the decoding rate all clients share): retried a second later, as a client would.
    loc=$(curl -s -D - -o /dev/null --interface 127.0.0.51 -H 'Content-Type: image/png' --data-binary @"$dir/probe.png" "$url/api/images" \
      | grep -i '^location:' | tr -d '\r' | awk '{print $2}')
    [ -n "$loc" ] && break
    refused=$((refused + 1))
    sleep 1
  done
  while true; do
    status=$(curl -s --interface 127.0.0.51 "$url$loc" | python3 -c "import json,sys; print(json.load(sys.stdin).get('status'))")
    [ "$status" = classified ] && break
    sleep 0.05
  done
  echo "probe $(( ($(date +%s%N) - t0) / 1000000 )) ms (refused $refused times first)"
}
echo "before:"; probe; probe
echo "during (answers to the flood, by status):"
t0=$(date +%s%N); attack & sleep 1; probe; probe; probe; wait
echo "flood sent in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
sleep 2; echo "after:"; probe
