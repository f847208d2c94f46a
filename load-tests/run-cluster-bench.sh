#!/usr/bin/env bash
# The signalling cluster benchmark (issue #8): offer latency and throughput with 1, 2 and 3 signalling nodes on Redis,
# against one node in memory as the baseline, and what Redis does per call, measured by Redis itself: the round trips
# with MONITOR in a short phase of their own after the district's measured minute (only commands naming this run's
# key prefix; a script's own commands apart), and all commands executed and Redis's CPU with INFO commandstats and
# INFO cpu before and after each measured phase. Per configuration: start the nodes, run the
# district load and a short ramp against them (stations and agents spread over the nodes), stop them and delete
# their keys. Every step is bounded by `timeout`; all traffic stays on 127.0.0.1. Method and results:
# docs/benchmarks.md, "The signalling cluster".
#
#   load-tests/run-cluster-bench.sh                       # memory-1 redis-1 redis-2 redis-3; about 15 minutes
#   CLUSTER_BENCH_QUICK=1 load-tests/run-cluster-bench.sh # seconds per phase, fewer clients: about 3 minutes
#   load-tests/run-cluster-bench.sh redis-1 redis-3       # some configurations
#
# Output in load-tests/target/cluster-bench/: summary.md and summary.json (the table of all configurations), the
# generator's reports per configuration (reports/<config>/district-latest.*, ramp-latest.*), results.txt (the run's
# log), node logs.
#
# Where things run, on a two-core machine: every node on core 0 (BENCH_SERVER_CPU) and the generator on core 1
# (BENCH_CLIENT_CPU), as in the signalling benchmark, so that 1, 2 and 3 nodes get the same CPU and the comparison shows
# what the cluster costs (Redis round trips, hops between nodes), not what a second core adds. Redis is the machine's
# own (not started here, so not pinned): its CPU is measured, not controlled. On this box N nodes cannot scale out;
# the city figures are extrapolated from per-node throughput and per-call Redis cost (docs/benchmarks.md).
#
# Environment: CLUSTER_BENCH_QUICK (0), CLUSTER_BENCH_REDIS (redis://127.0.0.1:6379), BENCH_PORT (18080: nodes on
# 18080, 18081, ...), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), BENCH_NICE (-10), SERVER_JAVA_OPTS, BENCH_JAVA_OPTS,
# DISTRICT_ARGS, RAMP_ARGS (extra generator options), BENCH_QUIET_WAIT (seconds to wait for a quiet machine before
# each configuration: 120, quick 0), BENCH_LOCK, BENCH_GATE.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=load-tests/target/cluster-bench
PORT=${BENCH_PORT:-18080}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
NICE=${BENCH_NICE:--10}
REDIS=${CLUSTER_BENCH_REDIS:-redis://127.0.0.1:6379}
QUICK=${CLUSTER_BENCH_QUICK:-0}
CONFIGS=("$@")
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(memory-1 redis-1 redis-2 redis-3)
for config in "${CONFIGS[@]}"; do
    [[ "$config" =~ ^(memory-1|redis-[1-9])$ ]] || { echo "unknown configuration $config (memory-1, redis-N)" >&2; exit 2; }
done

# What each configuration runs. Full: the district as in the signalling benchmark (50 set-ups/s, 60 s measured), then
# a ramp on the same (warm) nodes. The warm-up runs at 100/s, not the signalling benchmark's 200/s: nodes on Redis
# sharing one core fall behind at 200/s, and a warm-up that leaves a backlog spoils what follows. Slices disturbed by
# other work are made up for once at most, which bounds the run. Quick: seconds, to see that everything works; its
# figures mean little.
if [ "$QUICK" = 1 ]; then
    # A smaller population signs in faster; 400 stations and 100 agents do not run short at these rates.
    DISTRICT=(--rate 50 --duration 6s --slice 3s --reruns 0 --warmup 5s --warmup-rate 50 --round-trip-phase 3s
        --stations 400 --agents 100)
    RAMP=(--rates 100 --step-duration 3s --slice 3s --reruns 0 --warmup 0s --stations 400 --agents 100)
    QUIET_WAIT=${BENCH_QUIET_WAIT:-0}
    BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xms1g -Xmx1g}
else
    DISTRICT=(--rate 50 --duration 60s --reruns 1 --warmup 30s --warmup-rate 100 --round-trip-phase 10s)
    RAMP=(--rates 50,100,200,300,400,600 --step-duration 10s --reruns 1 --warmup 10s --warmup-rate 100)
    QUIET_WAIT=${BENCH_QUIET_WAIT:-120}
    # As in the signalling benchmark: the generator must not collect in the middle of a measurement.
    BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xms3g -Xmx3g -Xmn2600m -XX:+AlwaysPreTouch}
fi

source load-tests/bench-common.sh
take_bench_lock

build_signalling_bench_jars "$OUT" || exit 1

DOORSTEP_AUTH_HS256_SECRET=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
export DOORSTEP_AUTH_HS256_SECRET
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$OUT/results-$STAMP.txt"
: > "$RESULTS"
ln -sf "$(basename "$RESULTS")" "$OUT/results.txt"
log() { echo "$*" | tee -a "$RESULTS"; }
# A key prefix of this run's own; every configuration on Redis gets one under it, deleted when it ends.
RUN_PREFIX="bench-cluster-$STAMP-$$"
PREFIX=""

NODE_WRAPPERS=()
NODE_PIDS=()
NODE_URLS=()

start_nodes() {
    local config=$1 n=$2 state=$3 i port cluster
    NODE_WRAPPERS=() NODE_PIDS=() NODE_URLS=()
    for ((i = 0; i < n; i++)); do
        port=$((PORT + i))
        rm -rf "$OUT/data-$config-$i"
        cluster=(DOORSTEP_CLUSTER_STATE="$state")
        [ "$state" = memory ] || cluster+=(DOORSTEP_CLUSTER_REDIS_URI="$REDIS" DOORSTEP_CLUSTER_KEY_PREFIX="$PREFIX"
            DOORSTEP_CLUSTER_NODE_ID="node-$i"
            DOORSTEP_CLUSTER_ARCHIVE_CALL_LOG="$([ "$i" = 0 ] && echo true || echo false)")
        # Wrap-up 0 and a generous per-connection rate limit, as in the signalling benchmark. One archiver is enough.
        env DOORSTEP_SERVER_HOST=127.0.0.1 \
            DOORSTEP_SERVER_PORT="$port" \
            DOORSTEP_DIRECTORY_FILE="$OUT/directory.yaml" \
            DOORSTEP_DATA_DIR="$OUT/data-$config-$i" \
            DOORSTEP_ROUTING_WRAP_UP=0s \
            DOORSTEP_LIMITS_MESSAGES_PER_SECOND=1000 \
            DOORSTEP_LIMITS_BURST=2000 \
            DOORSTEP_AUTH_DEMO_TOKENS=false \
            DOORSTEP_SHUTDOWN_DRAIN_TIMEOUT=5s \
            DOORSTEP_METRICS_REQUIRE_AUTH=false \
            "${cluster[@]}" \
            timeout 1800 nice -n "$NICE" taskset -c "$SERVER_CPU" \
            java ${SERVER_JAVA_OPTS:-} -jar "$OUT/server.jar" serve > "$OUT/node-$config-$i.log" 2>&1 8>&- 9>&- &
        NODE_WRAPPERS+=($!)
        NODE_URLS+=("ws://127.0.0.1:$port/ws")
    done
    for ((i = 0; i < n; i++)); do
        port=$((PORT + i))
        for _ in $(seq 600); do
            curl -sf "http://127.0.0.1:$port/health" > /dev/null && break
            kill -0 "${NODE_WRAPPERS[$i]}" 2> /dev/null || { echo "node $i died; see $OUT/node-$config-$i.log" >&2; exit 1; }
            sleep 0.1
        done
        curl -sf "http://127.0.0.1:$port/health" > /dev/null \
            || { echo "node $i did not come up; see $OUT/node-$config-$i.log" >&2; exit 1; }
        NODE_PIDS+=("$(pgrep -P "${NODE_WRAPPERS[$i]}" java)")
    done
    log "$config: $n node(s), state $state, pids ${NODE_PIDS[*]} on cpu $SERVER_CPU${PREFIX:+, key prefix $PREFIX}"
}

stop_nodes() {
    local w
    [ ${#NODE_WRAPPERS[@]} -gt 0 ] || return 0
    kill -TERM "${NODE_PIDS[@]}" 2> /dev/null || true
    for w in "${NODE_WRAPPERS[@]}"; do
        for _ in $(seq 300); do
            kill -0 "$w" 2> /dev/null || break
            sleep 0.1
        done
        kill -KILL "$w" 2> /dev/null || true
        wait "$w" 2> /dev/null || true
    done
    kill -KILL "${NODE_PIDS[@]}" 2> /dev/null || true
    NODE_WRAPPERS=() NODE_PIDS=()
}

# Deletes every key of the current configuration's prefix (the nodes are stopped first).
delete_keys() {
    [ -n "$PREFIX" ] || return 0
    timeout 120 redis-cli -u "$REDIS" --scan --pattern "{$PREFIX}:*" \
        | timeout 120 xargs -r -n 500 redis-cli -u "$REDIS" del > /dev/null || true
    PREFIX=""
}
cleanup() { stop_nodes; delete_keys; }
trap cleanup EXIT

bench() {
    local limit=$1 config=$2 command=$3
    shift 3
    local servers pids redis=()
    servers=$(IFS=,; echo "${NODE_URLS[*]}")
    pids=$(IFS=,; echo "${NODE_PIDS[*]}")
    [ -z "$PREFIX" ] || redis=(--redis "$REDIS" --redis-key-prefix "$PREFIX")
    timeout "$limit" nice -n "$NICE" taskset -c "$CLIENT_CPU" \
        java -Xlog:gc:file="$OUT/gc-generator-$config-$command.log" $BENCH_JAVA_OPTS -jar "$OUT/bench.jar" "$command" \
        --servers "$servers" --server-pid "$pids" "${redis[@]}" --directory "$OUT/directory.yaml" \
        --stations 1310 --agents 300 --report-dir "$OUT/reports/$config" "$@" 2>&1 8>&- 9>&- \
        | tee -a "$RESULTS" || true
}

log "cluster benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- signalling load-tests || echo ' + local changes')$([ "$QUICK" = 1 ] && echo ', QUICK mode')"
log "machine: $(nproc) cpus, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/{print $2}') GB"
log "redis: $(timeout 10 redis-cli -u "$REDIS" info server | tr -d '\r' | sed -n 's/^redis_version://p'), $REDIS"
timeout 120 java -jar "$OUT/bench.jar" directory --out "$OUT/directory.yaml" \
    --stations 1310 --agents 300 --skills-per-agent 3 | tee -a "$RESULTS"
rm -rf "$OUT/reports"

for config in "${CONFIGS[@]}"; do
    state=${config%-*}
    n=${config#*-}
    log ""
    log "== $config"
    wait_for_quiet "$config" "$QUIET_WAIT"
    PREFIX=""
    [ "$state" = memory ] || PREFIX="$RUN_PREFIX-$config"
    start_nodes "$config" "$n" "$state"
    bench 900 "$config" district "${DISTRICT[@]}" ${DISTRICT_ARGS:-}
    bench 900 "$config" ramp "${RAMP[@]}" ${RAMP_ARGS:-}
    stop_nodes
    delete_keys
done

# The summary: one row per configuration, from the generator's JSON reports; then Redis's commands per call by
# command. A figure a configuration did not produce is "-".
jq -n --arg started "$STAMP" --arg commit "$(git rev-parse --short HEAD)" --argjson quick "$QUICK" '
    [inputs] as $reports
    | {started: $started, commit: $commit, quick: ($quick == 1), configurations: [
        $reports | group_by(.config) | .[] | {
          config: .[0].config,
          district: (map(select(.scenario == "district")) | .[0] // {} | .metrics // {} | map_values(.value)),
          ramp: (map(select(.scenario == "ramp")) | .[0] // {} | .metrics // {} | map_values(.value))}]}' \
    $(for config in "${CONFIGS[@]}"; do
          for s in district ramp; do
              f="$OUT/reports/$config/$s-latest.json"
              [ -f "$f" ] && jq -c --arg c "$config" '. + {config: $c}' "$f" > "$OUT/reports/$config/$s.tagged.json" \
                  && echo "$OUT/reports/$config/$s.tagged.json"
          done
      done) > "$OUT/summary.json"

jq -r --argjson order "$(printf '%s\n' "${CONFIGS[@]}" | jq -R . | jq -s .)" '
    def f($x; $d): if $x == null or ($x | type) == "string" then "-" else ($x * pow(10; $d) | round / pow(10; $d) | tostring) end;
    (.configurations | map({(.config): .}) | add // {}) as $by
    | [$order[] | select($by[.] != null)] as $run
    | [$run[] | select($by[.].district["redis round trips per call"] != null)] as $redis
    | def by_command($title; $pattern):
        if ($redis | length) == 0 then empty else
          "\n\($title)\n",
          "| command | " + ($redis | join(" | ")) + " |",
          "|---|" + ($redis | map("---:") | join("|")) + "|",
          ([$redis[] as $c | $by[$c].district | keys[] | select(test($pattern))] | unique[] as $k
            | "| \($k | capture($pattern).c) | " + ([$redis[] as $c | f($by[$c].district[$k]; 2)] | join(" | ")) + " |")
        end;
      "# Signalling cluster benchmark, \(.started) (commit \(.commit))\(if .quick then ", QUICK mode: seconds per phase, not figures to quote" else "" end)\n",
      "District load (50 set-ups/s; 1,310 stations and 300 agents, in quick mode 400 and 100) and a ramp; latencies in ms from the intended request time; Redis figures per completed call.\n",
      "| configuration | offers across nodes | offer p50 | **offer p99** | connected p99 | completed /s | errors | node cores (all) | **Redis round trips** | Redis commands executed | Redis CPU (µs) | Redis cores | ramp: highest rate with offer p99 ≤ 5 ms | ramp: knee |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
      ($run[] as $c | $by[$c] | .district as $d | .ramp as $r
        | "| \($c) | \(f($d["offers across nodes"]; 2)) | \(f($d["request -> offer p50"]; 3)) | \(f($d["request -> offer p99"]; 3)) | \(f($d["request -> connected p99"]; 3)) | \(f($d["completed calls per second"]; 1)) | \(f($d["errors"]; 0)) | \(f($d["server cores"]; 2)) | \(f($d["redis round trips per call"]; 1)) | \(f($d["redis commands executed per call"]; 1)) | \(f($d["redis cpu per call"]; 0)) | \(f($d["redis cores"]; 3)) | \(f($r["highest rate under the knee threshold"]; 0)) | \(f($r["knee"]; 0)) |"),
      by_command("Round trips per call by command (MONITOR: what the nodes sent)"; "^redis round trips: (?<c>.+) per call$"),
      by_command("Commands executed per call by command (INFO commandstats: round trips and what the scripts ran; background taken off)"; "^redis executed (?<c>.+) per call$")
' "$OUT/summary.json" > "$OUT/summary.md"

log ""
cat "$OUT/summary.md" | tee -a "$RESULTS"
log ""
log "summary in $OUT/summary.md and $OUT/summary.json; the run's log in $RESULTS; node logs in $OUT/node-*.log"
