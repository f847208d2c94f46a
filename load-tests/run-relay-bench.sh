#!/usr/bin/env bash
# The relay benchmark (issue #3, "Performance"), end to end: build, then in each round run the same generator against
# our relay, coturn, a plain UDP echo (the ceiling) and no server at all (the direct path), each server pinned to one
# core and the generator to the other; finally the medians over the rounds. Every step is bounded by `timeout`; all
# traffic stays on 127.0.0.1. Results: load-tests/target/relay-bench/ (summary.md, results/*.json, logs), and the run's
# report (JSON, Markdown, HTML with charts) in load-tests/target/reports/relay-<UTC start>.* and relay-latest.*; method
# and figures: docs/benchmarks.md.
#
#   load-tests/run-relay-bench.sh            # 3 rounds
#   RELAY_BENCH_ROUNDS=1 load-tests/run-relay-bench.sh
#
# Environment: RELAY_BENCH_ROUNDS (3), RELAY_BENCH_PORT (23478: TURN, UDP), RELAY_BENCH_ECHO_PORT (23479),
# BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), RELAY_JAVA (java: the JVM our relay runs on), RELAY_JAVA_OPTS, BENCH_JAVA_OPTS, GEN_ARGS (extra generator options,
# e.g. GEN_ARGS="--sat-step 3s --flows 300", or GEN_ARGS="--profiles allocate,realistic,tcp" for the allocation-rate
# and TCP-client profiles alone), RELAY_BENCH_CEILING (1; 0: no echo and direct runs), RELAY_BENCH_COTURN (1; 0: our
# relay alone, e.g. to compare two of its settings, which reach it as DOORSTEP_* variables), BENCH_QUIET_WAIT (600:
# seconds to wait, before each round, for other work on the machine to stop), BENCH_NICE (-10: priority of the servers and the generator over other work; needs root),
# RELAY_BENCH_COMPARE_WITH (an earlier run's relay JSON report: compare with it; exit code 3 on a regression).
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=load-tests/target/relay-bench
ROUNDS=${RELAY_BENCH_ROUNDS:-3}
PORT=${RELAY_BENCH_PORT:-23478}
ECHO_PORT=${RELAY_BENCH_ECHO_PORT:-23479}
METRICS_PORT=$((PORT + 2))
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
NICE=${BENCH_NICE:--10}
# The relay as it would run in production on one core: throughput collector with a fixed heap, nothing else tuned
# (Netty's default leak sampling stays on). The generator: no leak detection, and a young generation large enough
# that it does not collect during a run (a 20 ms pause would stall the traffic it offers).
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:--XX:+UseParallelGC -Xms512m -Xmx512m -XX:+AlwaysPreTouch}
# The JVM our relay runs on (the build and the generator stay on the default one), e.g. a newer one's bin/java.
RELAY_JAVA=${RELAY_JAVA:-java}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xms3g -Xmx3g -Xmn2600m -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled}

# 500 allocations need 1,000+ descriptors on each side.
ulimit -n "$(ulimit -Hn)"

source load-tests/bench-common.sh
take_bench_lock

for attempt in 1 2 3; do
    timeout 900 ./mvnw -q -B -pl load-tests -am install -DskipTests && break
    [ "$attempt" -lt 3 ] || exit 1
    sleep 20
done
rm -rf "$OUT"
mkdir -p "$OUT/results"
# Run copies: other work in this tree may rebuild target/ while the benchmark runs.
cp relay-server/target/doorstep-relay.jar "$OUT/relay.jar"
cp load-tests/target/doorstep-signalling-bench.jar "$OUT/bench.jar"

# A fresh TURN REST secret per run, shared by both relays and the generator.
SECRET=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

LOG="$OUT/bench.log"
log() { echo "$*" | tee -a "$LOG"; }

TICKS_PER_SECOND=$(getconf CLK_TCK)
process_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2> /dev/null || echo 0; }

SERVER_WRAPPER=""
SERVER_PID=""

# Waits until the server's process exists and the UDP port is bound; sets SERVER_PID.
await_server() {
    local name=$1 program=$2 port=$3
    for _ in $(seq 200); do
        SERVER_PID=$(pgrep -P "$SERVER_WRAPPER" "$program" || true)
        if [ -n "$SERVER_PID" ] && ss -Hlun "sport = :$port" | grep -q .; then
            log "$name: pid $SERVER_PID on cpu $(taskset -pc "$SERVER_PID" | awk '{print $NF}'), $(ps -o nlwp= -p "$SERVER_PID" | tr -d ' ') threads"
            return
        fi
        sleep 0.1
    done
    echo "$name did not come up; see $OUT/$name.log" >&2
    exit 1
}

start_ours() {
    rm -rf "$OUT/data"
    env DOORSTEP_TURN_LISTEN_ADDRESS=127.0.0.1 \
        DOORSTEP_TURN_PORT="$PORT" \
        DOORSTEP_TURN_TLS_PORT=0 \
        DOORSTEP_TURN_EXTERNAL_ADDRESS=127.0.0.1 \
        DOORSTEP_TURN_RELAY_ADDRESS=127.0.0.1 \
        DOORSTEP_TURN_IO_THREADS=1 \
        DOORSTEP_TURN_UDP_SOCKETS=1 \
        DOORSTEP_POLICY_ALLOW=127.0.0.0/8 \
        DOORSTEP_AUTH_REST_SECRET="$SECRET" \
        DOORSTEP_METRICS_PORT="$METRICS_PORT" \
        DOORSTEP_DATA_DIR="$OUT/data" \
        DOORSTEP_LOG_LEVEL=WARN \
        timeout 900 nice -n "$NICE" taskset -c "$SERVER_CPU" "$RELAY_JAVA" $RELAY_JAVA_OPTS \
        "-Xlog:gc,safepoint:file=$OUT/ours-gc-$1.log" -jar "$OUT/relay.jar" >> "$OUT/ours.log" 2>&1 8>&- 9>&- &
    SERVER_WRAPPER=$!
    await_server ours java "$PORT"
}

# coturn as the issue prescribes: one relay thread, TURN REST secret, loopback peers allowed, UDP/TCP only.
start_coturn() {
    timeout 900 nice -n "$NICE" taskset -c "$SERVER_CPU" turnserver -n --listening-port "$PORT" --relay-threads 1 \
        --use-auth-secret --static-auth-secret "$SECRET" --realm doorstep --allow-loopback-peers --no-cli \
        --no-tls --no-dtls --min-port 49152 --max-port 65535 --listening-ip 127.0.0.1 --relay-ip 127.0.0.1 \
        --external-ip 127.0.0.1 --no-multicast-peers --log-file stdout >> "$OUT/coturn.log" 2>&1 8>&- 9>&- &
    SERVER_WRAPPER=$!
    await_server coturn turnserver "$PORT"
}

start_echo() {
    timeout 900 nice -n "$NICE" taskset -c "$SERVER_CPU" java $RELAY_JAVA_OPTS -cp "$OUT/bench.jar" \
        io.doorstep.loadtest.relay.RelayBench echo --bind "127.0.0.1:$ECHO_PORT" >> "$OUT/echo.log" 2>&1 8>&- 9>&- &
    SERVER_WRAPPER=$!
    await_server echo java "$ECHO_PORT"
}

stop_server() {
    [ -n "$SERVER_WRAPPER" ] || return 0
    kill -TERM "$SERVER_PID" 2> /dev/null || true
    for _ in $(seq 100); do
        kill -0 "$SERVER_WRAPPER" 2> /dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_WRAPPER" 2> /dev/null || true
    SERVER_WRAPPER=""
    SERVER_PID=""
}
trap stop_server EXIT

# The profiles per TURN server: warm-up, saturation ramp, realistic (500 UDP flows), allocate (500 new clients/s,
# each Allocate + CreatePermission + ChannelBind, then deleted: each client has a user of its own and at most a few
# hundred allocations live at once, well within both relays' default quotas, so neither is raised), tcp (the
# realistic profile over TURN-over-TCP clients). The allocate profile opens 2,000 client sockets: ulimit above.
# Runs the generator pinned to the client core and logs where the machine's CPU went meanwhile.
generate() {
    local name=$1 round=$2 machine_before server_before start timing
    shift 2
    machine_before=$(machine_ticks)
    server_before=$( [ -n "$SERVER_PID" ] && process_ticks "$SERVER_PID" || echo 0)
    start=$(date +%s.%N)
    timing="$OUT/generator-cpu"
    { TIMEFORMAT='%U %S'; time timeout 600 nice -n "$NICE" taskset -c "$CLIENT_CPU" java $BENCH_JAVA_OPTS \
        "-Xlog:gc:file=$OUT/generator-gc-$name-$round.log" -cp "$OUT/bench.jar" io.doorstep.loadtest.relay.RelayBench run --name "$name" --round "$round" \
        --out "$OUT/results/$name-$round.json" "$@" ${GEN_ARGS:-} 2>&1 | tee -a "$LOG"; } 2> "$timing"
    log "$(awk -v a="$machine_before" -v b="$(machine_ticks)" -v s0="$server_before" \
        -v s1="$( [ -n "$SERVER_PID" ] && process_ticks "$SERVER_PID" || echo 0)" \
        -v t0="$start" -v t1="$(date +%s.%N)" -v hz="$TICKS_PER_SECOND" -v gen="$(tail -1 "$timing")" -v name="$name" \
        'BEGIN {split(a, x, " "); split(b, y, " "); split(gen, g, " "); wall = t1 - t0;
                busy = (y[1] - x[1]) / hz / wall; server = (s1 - s0) / hz / wall; generator = (g[1] + g[2]) / wall;
                printf "cpu during %s (%.0f s, cores): machine %.2f = server %.2f + generator %.2f + other %.2f",
                       name, wall, busy, server, generator, busy - server - generator}')"
}

log "relay benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- relay-server || echo ' + local changes to relay-server/')"
log "machine: $(nproc) cpus, $(lscpu | sed -n 's/^Model name: *//p'), kernel $(uname -r), $(free -g | awk '/^Mem:/{print $2}') GB"
log "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
log "coturn: $(turnserver --version 2>&1 | head -1) ($(dpkg-query -W -f '${Version}' coturn 2> /dev/null || echo '?'))"
log "relay JVM: $("$RELAY_JAVA" -version 2>&1 | head -1) $RELAY_JAVA_OPTS; generator JVM: $BENCH_JAVA_OPTS"

TURN_ARGS=(--mode TURN --server "127.0.0.1:$PORT" --secret "$SECRET" --server-core "$SERVER_CPU")
for round in $(seq "$ROUNDS"); do
    log ""
    log "== round $round"
    wait_for_quiet round 600
    start_ours "$round"
    generate ours "$round" "${TURN_ARGS[@]}" --server-pid "$SERVER_PID"
    stop_server
    if [ "${RELAY_BENCH_COTURN:-1}" = 1 ]; then
        start_coturn
        generate coturn "$round" "${TURN_ARGS[@]}" --server-pid "$SERVER_PID"
        stop_server
    fi
    [ "${RELAY_BENCH_CEILING:-1}" = 1 ] || continue
    # The ceiling: a plain echo on the server core (one forward per round trip instead of two).
    start_echo
    generate echo "$round" --mode DIRECT --server "127.0.0.1:$ECHO_PORT" --server-core "$SERVER_CPU" \
        --server-pid "$SERVER_PID"
    stop_server
    # The direct path: the clients and the echo peer straight to each other, no server in between.
    generate direct "$round" --mode DIRECT --profiles realistic --realistic-warmup 20s
done

log ""
# The medians as markdown, and the run's report; how the servers ran goes into the report's configuration.
set +e
timeout 60 java -cp "$OUT/bench.jar" io.doorstep.loadtest.relay.RelayBench summarize "$OUT/results" \
    --report-dir load-tests/target/reports --config "server core=$SERVER_CPU" --config "generator core=$CLIENT_CPU" \
    --config "nice=$NICE" --config "relay JVM=$("$RELAY_JAVA" -version 2>&1 | head -1) $RELAY_JAVA_OPTS" --config "generator JVM=$BENCH_JAVA_OPTS" \
    --config "generator extra options=${GEN_ARGS:-none}" \
    ${RELAY_BENCH_COMPARE_WITH:+--compare-with "$RELAY_BENCH_COMPARE_WITH"} | tee "$OUT/summary.md" | tee -a "$LOG"
status=${PIPESTATUS[0]}
set -e
log "results in $OUT: summary.md, results/*.json, bench.log, server logs; report: load-tests/target/reports/relay-latest.*"
exit "$status"
