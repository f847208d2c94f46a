#!/usr/bin/env bash
# The signalling benchmark (issue #2 §8), end to end: build, generate a directory, then for each scenario start the
# server pinned to one core, run the generator pinned to the other, and stop the server. Every step is bounded by
# `timeout`; all traffic stays on 127.0.0.1. Results: load-tests/target/bench/results.txt (method: docs/benchmarks.md).
#
#   load-tests/run-signalling-bench.sh                 # district, ramp and idle
#   load-tests/run-signalling-bench.sh ramp            # only some scenarios
#   load-tests/run-signalling-bench.sh district-peak   # the peak hour in 3 minutes (not in the default set)
#   SOAK_ARGS="--duration 30m" load-tests/run-signalling-bench.sh soak   # the soak (default 10m; not in the default set)
#
# Every scenario also writes JSON, Markdown and HTML reports to load-tests/target/reports/ (see docs/benchmarks.md).
#
# Environment: BENCH_PORT (18080), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), SERVER_JAVA_OPTS, BENCH_JAVA_OPTS,
# DISTRICT_ARGS, RAMP_ARGS, IDLE_ARGS, PEAK_ARGS, SOAK_ARGS (extra generator options, e.g. RAMP_ARGS="--step-duration 20s"),
# SERVER_TIMEOUT (2400: seconds the server may run), BENCH_QUIET_WAIT (300: seconds to wait for other work on the machine to stop before each scenario),
# BENCH_NICE (-10: priority of the server and the generator over other work on a shared machine; needs root,
# otherwise nice warns and runs them at normal priority), BENCH_LOCK (/tmp/doorstep-bench.lock), BENCH_GATE (/tmp/doorstep-gate.lock).
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=load-tests/target/bench
PORT=${BENCH_PORT:-18080}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
NICE=${BENCH_NICE:--10}
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(district ramp idle)
IDLE_SESSIONS=10000

# 10,000 idle sessions need as many descriptors on each side.
ulimit -n "$(ulimit -Hn)"

source load-tests/bench-common.sh
take_bench_lock

build_signalling_bench_jars "$OUT" || exit 1

# The generator must not pause in the middle of a measurement (a 40 ms young collection would be charged to the
# server): a fixed heap with a young generation large enough that it rarely collects.
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xms3g -Xmx3g -Xmn2600m -XX:+AlwaysPreTouch}

# A fresh token secret per run, shared by the server and the generator.
DOORSTEP_AUTH_HS256_SECRET=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
export DOORSTEP_AUTH_HS256_SECRET

# One results file per run; results.txt is the latest.
RESULTS="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
: > "$RESULTS"
ln -sf "$(basename "$RESULTS")" "$OUT/results.txt"
log() { echo "$*" | tee -a "$RESULTS"; }

SERVER_WRAPPER=""
SERVER_PID=""

start_server() {
    local name=$1
    local wrap_up=0s
    rm -rf "$OUT/data-$name"
    # Wrap-up 0 and a generous per-connection rate limit: the bench measures the call path, not those policies.
    # The peak hour keeps the shipped wrap-up: its agents end their own (scaled) after-call work before it.
    [ "$name" = district-peak ] && wrap_up=30s
    env DOORSTEP_SERVER_HOST=127.0.0.1 \
        DOORSTEP_SERVER_PORT="$PORT" \
        DOORSTEP_DIRECTORY_FILE="$OUT/directory.yaml" \
        DOORSTEP_DATA_DIR="$OUT/data-$name" \
        DOORSTEP_ROUTING_WRAP_UP="$wrap_up" \
        DOORSTEP_LIMITS_MESSAGES_PER_SECOND=1000 \
        DOORSTEP_LIMITS_BURST=2000 \
        DOORSTEP_AUTH_DEMO_TOKENS=false \
        DOORSTEP_SHUTDOWN_DRAIN_TIMEOUT=5s \
        DOORSTEP_METRICS_REQUIRE_AUTH=false \
        timeout "${SERVER_TIMEOUT:-2400}" nice -n "$NICE" taskset -c "$SERVER_CPU" \
        java -Xlog:gc:file="$OUT/gc-$name.log" ${SERVER_JAVA_OPTS:-} -jar "$OUT/server.jar" serve \
        > "$OUT/server-$name.log" 2>&1 8>&- 9>&- &
    SERVER_WRAPPER=$!
    for _ in $(seq 300); do
        if curl -sf "http://127.0.0.1:$PORT/health" > /dev/null; then
            SERVER_PID=$(pgrep -P "$SERVER_WRAPPER" java)
            log "server ($name): pid $SERVER_PID on cpu $SERVER_CPU, nice $(ps -o ni= -p "$SERVER_PID" | tr -d ' ');" \
                "$(jcmd "$SERVER_PID" VM.flags | grep -o -E 'Use[A-Za-z0-9]+GC' | head -1)," \
                "max heap $(jcmd "$SERVER_PID" VM.flags | grep -o -E -- '-XX:MaxHeapSize=[0-9]+' | cut -d= -f2) bytes"
            return
        fi
        sleep 0.1
    done
    echo "the server did not come up; see $OUT/server-$name.log" >&2
    exit 1
}

# GC pauses stop every thread of a JVM, so the server's and the generator's both show in the latency tail.
gc_pauses() {
    awk -v who="$1" '/Pause/ {n++; ms = $NF + 0; total += ms; if (ms > max) max = ms}
         END {printf "%s GC pauses: %d, longest %.1f ms, %.0f ms in all\n", who, n, max, total}' "$2"
}

stop_server() {
    [ -n "$SERVER_WRAPPER" ] || return 0
    kill -TERM "$SERVER_PID" 2> /dev/null || true
    for _ in $(seq 300); do
        kill -0 "$SERVER_WRAPPER" 2> /dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_WRAPPER" "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_WRAPPER" 2> /dev/null || true
    SERVER_WRAPPER=""
}
trap stop_server EXIT

bench() {
    local limit=$1
    shift
    timeout "$limit" nice -n "$NICE" taskset -c "$CLIENT_CPU" \
        java -Xlog:gc:file="$OUT/gc-generator-$1.log" $BENCH_JAVA_OPTS -jar "$OUT/bench.jar" "$@" \
        --url "ws://127.0.0.1:$PORT/ws" --directory "$OUT/directory.yaml" --server-pid "$SERVER_PID" 2>&1 8>&- 9>&- \
        | tee -a "$RESULTS" || true
}

log "signalling benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- signalling || echo ' + local changes to signalling/')"
log "machine: $(nproc) cpus, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/{print $2}') GB"
log "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
# An idle virtual CPU that halts must be woken by the host, which shows in the latency tail at low rates.
HALT_POLL=/sys/module/haltpoll/parameters/guest_halt_poll_ns
[ -r "$HALT_POLL" ] && log "guest halt polling (cpuidle-haltpoll): $(cat "$HALT_POLL") ns"

timeout 120 java -jar "$OUT/bench.jar" directory --out "$OUT/directory.yaml" \
    --stations "$IDLE_SESSIONS" --agents 300 --skills-per-agent 3 | tee -a "$RESULTS"

for scenario in "${SCENARIOS[@]}"; do
    log ""
    log "== $scenario"
    wait_for_quiet scenario 300
    start_server "$scenario"
    case "$scenario" in
        district) bench 900 district --stations 1310 --agents 300 --rate 50 --duration 60s \
                      --warmup 60s --warmup-rate 200 ${DISTRICT_ARGS:-} ;;
        ramp)     bench 1200 ramp --stations 1310 --agents 300 --warmup 30s --step-duration 10s \
                      ${RAMP_ARGS:-} ;;
        # Two source addresses: 10,000 connections fit one address's ephemeral ports, but not with a previous
        # run's TIME_WAIT leftovers on top.
        idle)     bench 600 idle --sessions "$IDLE_SESSIONS" --hold 25s \
                      --source-addresses 127.0.0.1,127.0.0.2 ${IDLE_ARGS:-} ;;
        district-peak) bench 900 district-peak --stations 1310 --agents 300 --time-scale 20 --duration 3m \
                      ${PEAK_ARGS:-} ;;
        # Half the knee (600/s); the call log is audited against the calls placed.
        soak)     bench 2300 soak --stations 1310 --agents 300 --rate 300 --duration 10m --checkpoint 1m \
                      --call-log "$OUT/data-soak/calls.jsonl" ${SOAK_ARGS:-} ;;
        *)        echo "unknown scenario $scenario (district, ramp, idle, district-peak, soak)" >&2; exit 2 ;;
    esac
    log "$(gc_pauses server "$OUT/gc-$scenario.log"); $(gc_pauses generator "$OUT/gc-generator-$scenario.log")"
    stop_server
done
log ""
log "results in $RESULTS; server logs in $OUT/server-*.log"
