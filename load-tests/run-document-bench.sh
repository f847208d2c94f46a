#!/usr/bin/env bash
# The document relay benchmark (issue #4, "Performance"): builds, starts the relay (its document relay on loopback,
# on its own data directory) pinned to one core, and runs DocumentBench pinned to the other: a 5 MB scan uploaded in
# one PATCH against a plain socket copy of the same bytes to disk with fsync (best of alternated rounds), the latency
# from a paced chunk leaving the uploader to its first byte at a following reader, and 50 uploads at once.
# Holds the benchmark lock exclusively (builds wait); every step is bounded by `timeout`; traffic stays on 127.0.0.1.
# Then issue #7's documents scenario (SignallingBench documents) against the same relay: 50 uploads of 5 MB at once,
# each followed by its own reader. Results: load-tests/target/document-bench/ (report.json, relay.log), and the reports
# (JSON, Markdown, HTML) in load-tests/target/reports/: document-bench-latest.* and documents-latest.*.
#
#   load-tests/run-document-bench.sh
#
# Environment: DOCUMENT_BENCH_PORT (28642), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), RELAY_JAVA_OPTS,
# BENCH_JAVA_OPTS, BENCH_ARGS (extra DocumentBench options, e.g. "--size 20971520 --concurrent 20"), DOCUMENTS_ARGS
# (extra documents options, e.g. "--uploads 20 --compare-with /tmp/documents-before.json").
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=load-tests/target/document-bench
PORT=${DOCUMENT_BENCH_PORT:-28642}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:--XX:+UseParallelGC -Xms512m -Xmx512m}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xms1g -Xmx1g -Dio.netty.leakDetection.level=disabled}

source load-tests/bench-common.sh
take_bench_lock

timeout 900 ./mvnw -q -B -pl load-tests -am package -DskipTests
rm -rf "$OUT"
mkdir -p "$OUT"
cp relay-server/target/doorstep-relay.jar "$OUT/relay.jar"
cp load-tests/target/doorstep-signalling-bench.jar "$OUT/bench.jar"
SECRET=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

DOORSTEP_DATA_DIR="$OUT/data" DOORSTEP_TURN_LISTEN_ADDRESS=127.0.0.1 DOORSTEP_TURN_PORT=$((PORT + 1)) \
DOORSTEP_TURN_TLS_PORT=0 DOORSTEP_TURN_EXTERNAL_ADDRESS=127.0.0.1 DOORSTEP_METRICS_PORT=$((PORT + 2)) \
DOORSTEP_DOCUMENTS_LISTEN_ADDRESS=127.0.0.1 DOORSTEP_DOCUMENTS_PORT="$PORT" \
DOORSTEP_DOCUMENTS_TOKEN_SECRET="$SECRET" \
  taskset -c "$SERVER_CPU" java $RELAY_JAVA_OPTS -jar "$OUT/relay.jar" > "$OUT/relay.log" 2>&1 8>&- 9>&- &
RELAY=$!
trap 'kill "$RELAY" 2> /dev/null || true; wait "$RELAY" 2> /dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null -X OPTIONS "http://127.0.0.1:$PORT/files/" && break
  sleep 0.1
done

# shellcheck disable=SC2086
timeout 1200 taskset -c "$CLIENT_CPU" java $BENCH_JAVA_OPTS -cp "$OUT/bench.jar" \
  io.doorstep.loadtest.documents.DocumentBench --relay "127.0.0.1:$PORT" --secret "$SECRET" \
  --out "$OUT/report.json" ${BENCH_ARGS:-}
curl -s "http://127.0.0.1:$((PORT + 2))/metrics" | grep '^doorstep_relay_documents_forward_latency' > "$OUT/relay-forward-latency.txt" || true

# Issue #7's documents scenario against the same relay: concurrent uploads, a reader following each.
# shellcheck disable=SC2086
timeout 1200 taskset -c "$CLIENT_CPU" java $BENCH_JAVA_OPTS -cp "$OUT/bench.jar" \
  io.doorstep.loadtest.SignallingBench documents --relay "127.0.0.1:$PORT" --secret "$SECRET" --server-pid "$RELAY" \
  ${DOCUMENTS_ARGS:-}
