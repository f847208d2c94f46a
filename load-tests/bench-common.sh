# Sourced by the benchmark scripts in this directory (bash): the machine-wide benchmark lock and waiting for a quiet
# machine. Expects a `log` function.

# One benchmark at a time on this machine: two pinned to the same cores measure each other. Builds and tests may take
# the same lock shared (flock -s) to wait for a benchmark. While waiting, hold the gate (BENCH_GATE) that such builds
# pass first, so a stream of them cannot starve the benchmark. Children must not inherit fds 8 and 9 (8>&- 9>&-).
take_bench_lock() {
    exec 8> "${BENCH_GATE:-/tmp/doorstep-gate.lock}"
    flock -w 3600 8 || { echo "another benchmark held ${BENCH_GATE:-/tmp/doorstep-gate.lock} for an hour" >&2; exit 1; }
    exec 9> "${BENCH_LOCK:-/tmp/doorstep-bench.lock}"
    flock -w 3600 9 || { echo "another benchmark held ${BENCH_LOCK:-/tmp/doorstep-bench.lock} for an hour" >&2; exit 1; }
    flock -u 8
}

# Busy and total CPU ticks of the whole machine.
machine_ticks() { awk '/^cpu /{idle = $5 + $6; t = 0; for (i = 2; i <= 9; i++) t += $i; print t - idle, t}' /proc/stat; }

# Cores the machine kept busy over the next $1 seconds.
busy_cores_over() {
    local before after
    before=$(machine_ticks)
    sleep "$1"
    after=$(machine_ticks)
    awk -v a="$before" -v b="$after" -v n="$(nproc)" \
        'BEGIN {split(a, x, " "); split(b, y, " "); printf "%.2f", (y[1] - x[1]) / (y[2] - x[2]) * n}'
}

# Other work on the machine (builds, tests) would be measured as the server's cost: wait, at most BENCH_QUIET_WAIT
# seconds (default $2), until it stops. $1 names what is about to be measured, for the log.
wait_for_quiet() {
    local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-$2})) busy
    while :; do
        busy=$(busy_cores_over 3)
        if awk -v b="$busy" 'BEGIN {exit !(b < 0.2)}' || [ "$SECONDS" -ge "$deadline" ]; then
            break
        fi
        sleep 5
    done
    log "machine busy before the $1: $busy cores (of $(nproc))"
}

# Builds the signalling server and the generator and copies their jars to $1/server.jar and $1/bench.jar at once,
# since other work in this tree may rebuild or clean target/ meanwhile; retried, for the same reason.
build_signalling_bench_jars() {
    mkdir -p "$1"
    local attempt
    for attempt in 1 2 3; do
        if timeout 900 ./mvnw -q -B -pl load-tests -am install -DskipTests \
            && cp signalling/server/target/doorstep-signalling.jar "$1/server.jar" \
            && cp load-tests/target/doorstep-signalling-bench.jar "$1/bench.jar"; then
            return 0
        fi
        [ "$attempt" -lt 3 ] || return 1
        sleep 20
    done
}
