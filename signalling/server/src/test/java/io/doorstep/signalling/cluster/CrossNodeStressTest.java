package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes on one Redis, 30 agents and 60 stations spread over them, racing calls: requests, accepts, rejects,
 * offers left to ring out, cancels and hang-ups by either side (docs/cluster.md §3, §5). Bounded in calls and time.
 * Checked: at no moment (an atomic read of Redis, many times a second) is an agent the agent of two live calls; no
 * call is connected to two agents; every call ends, leaving no call, queue entry or busy agent behind; every call's
 * log is complete; and, once the queue is still, each station's place is its call's place in the one global order.
 */
class CrossNodeStressTest {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    private static final int NODES = 3, AGENTS = 30, STATIONS = 60, CALLS_PER_STATION = 3;
    private static final Duration RUN = Duration.ofSeconds(20);
    private static final String MI = "medical-insurance", PE = "pensions";
    private static final List<String> NODE_IDS = List.of("a", "b", "c");

    /** Live calls per agent, read atomically: any agent named by two live calls. */
    private static final String DOUBLE_HOLDERS = """
            local seen, bad = {}, {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1] .. 'calls')) do
              local c = redis.call('HMGET', KEYS[1] .. 'call:' .. id, 'offeredTo', 'agent')
              local a = (c[2] and c[2] ~= '') and c[2] or c[1]
              if a and a ~= '' then
                if seen[a] then bad[#bad + 1] = a .. ' holds ' .. seen[a] .. ' and ' .. id end
                seen[a] = id
              end
            end
            return bad
            """;

    private static String station(int i) {
        return String.format("st-x-%02d", i);
    }

    private static String agent(int i) {
        return String.format("ag-x-%02d", i);
    }

    /** Agent i is on node i % 3 with skills by (i / 3) % 3, so every node has agents of every kind. */
    private static List<String> skills(int i) {
        return switch ((i / 3) % 3) {
            case 0 -> List.of(MI);
            case 1 -> List.of(PE);
            default -> List.of(MI, PE);
        };
    }

    private static Path directory() throws Exception {
        StringBuilder yaml = new StringBuilder("stations:\n");
        for (int i = 0; i < STATIONS; i++) {
            yaml.append("  - {id: ").append(station(i)).append(", name: 测试站").append(i)
                    .append(", town: 川沙新镇, village: 测试村").append(i).append("}\n");
        }
        yaml.append("agents:\n");
        for (int i = 0; i < AGENTS; i++) {
            yaml.append("  - {id: ").append(agent(i)).append(", name: 坐席").append(i).append(", skill-groups: [")
                    .append(String.join(", ", skills(i))).append("]}\n");
        }
        yaml.append("operators:\n  - {id: op-test-01, name: 测试运营}\n");
        Path file = Files.createTempFile("doorstep-stress-directory", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** What the clients saw. */
    private final Map<String, Set<String>> connectedAgents = new ConcurrentHashMap<>();
    private final Map<String, String> stationOfCall = new ConcurrentHashMap<>();
    private final Map<String, Boolean> endedAtStation = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

    @Test
    void racingCallsOnThreeNodesStayConsistent() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redis = REDIS.commands();
        Path directory = directory();
        List<TestServer> nodes = new ArrayList<>();
        List<WsClient> agents = new ArrayList<>();
        List<WsClient> stations = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(AGENTS + STATIONS + 1);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            for (String id : NODE_IDS) {
                nodes.add(TestServer.start(CallOwnerTest.onRedis(keys, id, Map.of(
                        "DOORSTEP_DIRECTORY_FILE", directory.toString(), "DOORSTEP_ROUTING_RING_TIMEOUT", "600ms"))));
            }
            for (int i = 0; i < AGENTS; i++) {
                agents.add(nodes.get(i % NODES).availableAgent(agent(i)));
            }
            for (int i = 0; i < STATIONS; i++) {
                stations.add(nodes.get(i % NODES).signIn(station(i), Role.STATION));
            }

            Future<?> sampler = pool.submit(() -> sample(redis, keys, stop));
            List<Future<?>> agentRuns = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                WsClient client = agents.get(i);
                Random random = new Random(i);
                agentRuns.add(pool.submit(() -> runAgent(client, random, stop)));
            }
            long deadline = System.nanoTime() + RUN.toNanos();
            List<Future<?>> stationRuns = new ArrayList<>();
            for (int i = 0; i < STATIONS; i++) {
                WsClient client = stations.get(i);
                String id = station(i);
                Random random = new Random(1000 + i);
                stationRuns.add(pool.submit(() -> runStation(id, client, random, deadline)));
            }
            for (Future<?> run : stationRuns) {
                run.get(RUN.toSeconds() + 60, TimeUnit.SECONDS);
            }
            stop.set(true);
            for (Future<?> run : agentRuns) {
                run.get(30, TimeUnit.SECONDS);
            }
            sampler.get(10, TimeUnit.SECONDS);

            System.out.printf("calls made: %d, connected: %d%n", stationOfCall.size(), connectedAgents.size());
            assertThat(violations).isEmpty();
            assertThat(stationOfCall).as("calls made").hasSizeGreaterThan(STATIONS);
            connectedAgents.forEach((call, who) -> assertThat(who).as("agents connected to " + call).hasSize(1));
            assertThat(endedAtStation.keySet()).as("every call ended, as its station heard")
                    .containsExactlyInAnyOrderElementsOf(stationOfCall.keySet());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(redis.smembers(keys.calls())).as("live calls").isEmpty();
                assertThat(redis.hlen(keys.queueEntries())).as("queue entries").isZero();
                assertThat(redis.hlen(keys.parties())).as("parties").isZero();
            });
            for (int i = 0; i < AGENTS; i++) {
                Map<String, String> stored = redis.hgetall(keys.agent(agent(i)));
                assertThat(stored.get("state")).as(agent(i)).isIn("AVAILABLE", "AWAY");
                assertThat(stored.get("call")).as(agent(i)).isEmpty();
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> stationOfCall.keySet().forEach(call ->
                    assertCompleteLog(call, nodes.stream().flatMap(n -> n.callLog(call).stream()).toList())));

            assertPlacesFollowTheGlobalOrder(redis, keys, agents, stations);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            agents.forEach(WsClient::close);
            stations.forEach(WsClient::close);
            nodes.forEach(TestServer::close);
            Files.deleteIfExists(directory);
        }
    }

    private void sample(RedisCommands<String, String> redis, RedisKeys keys, AtomicBoolean stop) {
        int samples = 0;
        while (!stop.get()) {
            List<String> bad = redis.eval(DOUBLE_HOLDERS, ScriptOutputType.MULTI, keys.base());
            for (String b : bad) {
                violations.add("sample " + samples + ": " + b);
            }
            samples++;
        }
        System.out.println("consistency samples: " + samples);
    }

    /** An agent answering offers at random: accept, reject or let ring out; hangs up some calls itself. */
    private void runAgent(WsClient client, Random random, AtomicBoolean stop) {
        String connected = null;
        long hangUpAt = Long.MAX_VALUE;
        while (!stop.get() || connected != null) {
            ServerMessage m = client.poll(Duration.ofMillis(20));
            if (m instanceof ServerMessage.CallOffer offer) {
                double choice = random.nextDouble();
                if (choice < 0.7) {
                    client.send(new ClientMessage.CallAccept(null, offer.callId()));
                } else if (choice < 0.85) {
                    client.send(new ClientMessage.CallReject(null, offer.callId(), null));
                } // otherwise it rings out
            } else if (m instanceof ServerMessage.CallConnected c) {
                connectedAgents.computeIfAbsent(c.callId(), k -> ConcurrentHashMap.newKeySet())
                        .add(client.welcome().identity().id());
                connected = c.callId();
                hangUpAt = random.nextBoolean() ? System.nanoTime() + (100 + random.nextInt(300)) * 1_000_000L
                        : Long.MAX_VALUE;
            } else if (m instanceof ServerMessage.CallEnded e && e.callId().equals(connected)) {
                connected = null;
                hangUpAt = Long.MAX_VALUE;
            } else if (m instanceof ServerMessage.AgentStateChanged s && s.state() == AgentState.AWAY
                    && s.re() == null && !stop.get()) { // an offer rang out: back to work
                client.send(new ClientMessage.SetAgentState(null, AgentState.AVAILABLE));
            }
            if (connected != null && System.nanoTime() >= hangUpAt) {
                client.send(new ClientMessage.CallHangup(null, connected, null));
                hangUpAt = Long.MAX_VALUE;
            }
        }
    }

    /** A station making calls one after another: some it cancels while waiting, some it hangs up itself. */
    private void runStation(String stationId, WsClient client, Random random, long deadline) {
        for (int n = 0; n < CALLS_PER_STATION && System.nanoTime() < deadline; n++) {
            String request = client.nextId();
            client.send(new ClientMessage.CallRequest(request, random.nextBoolean() ? "MI-001" : "PE-001",
                    random.nextInt(10) == 0));
            String callId = null;
            long giveUpAt = System.nanoTime() + (random.nextInt(5) == 0 ? 300 + random.nextInt(2000)
                    : 8000) * 1_000_000L;
            long hangUpAt = Long.MAX_VALUE;
            boolean ended = false;
            boolean connected = false;
            long waitUntil = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (!ended && System.nanoTime() < waitUntil) {
                ServerMessage m = client.poll(Duration.ofMillis(20));
                if (m instanceof ServerMessage.CallQueued q && request.equals(q.re())) {
                    callId = q.callId();
                    stationOfCall.put(callId, stationId);
                } else if (m instanceof ServerMessage.CallConnected c && c.callId().equals(callId)) {
                    connected = true;
                    hangUpAt = System.nanoTime() + (100 + random.nextInt(400)) * 1_000_000L;
                } else if (m instanceof ServerMessage.CallEnded e && e.callId().equals(callId)) {
                    ended = true;
                    endedAtStation.put(callId, true);
                } else if (m instanceof ServerMessage.Error e && request.equals(e.re())) {
                    violations.add(stationId + " request refused: " + e);
                    return;
                }
                long now = System.nanoTime();
                if (callId != null && !connected && now >= Math.min(giveUpAt, deadline)) {
                    client.send(new ClientMessage.CallCancel(null, callId));
                    giveUpAt = Long.MAX_VALUE;
                    deadline = Long.MAX_VALUE;
                } else if (connected && now >= hangUpAt) {
                    client.send(new ClientMessage.CallHangup(null, callId, null));
                    hangUpAt = Long.MAX_VALUE;
                }
            }
            if (!ended) {
                violations.add(stationId + " call " + callId + " never ended");
            }
        }
    }

    /** Exactly one queued and one ended record, at most one connected; every offer answered, refused or withdrawn. */
    private static void assertCompleteLog(String callId, List<JsonNode> records) {
        Map<String, Long> counts = new HashMap<>();
        records.forEach(r -> counts.merge(r.path("event").asText(), 1L, Long::sum));
        Function<String, Long> count = e -> counts.getOrDefault(e, 0L);
        assertThat(count.apply("queued")).as(callId + " " + counts).isEqualTo(1);
        assertThat(count.apply("ended")).as(callId + " " + counts).isEqualTo(1);
        assertThat(count.apply("connected")).as(callId + " " + counts).isLessThanOrEqualTo(1);
        long open = count.apply("offered") - count.apply("reject") - count.apply("ring_timeout")
                - count.apply("offer_lost") - count.apply("connected");
        assertThat(open).as(callId + ": an offer still open when it ended " + counts)
                .isBetween(0L, count.apply("connected") == 0 ? 1L : 0L);
    }

    /**
     * With every agent away, a third of the stations (a third on each node) call at once; once the queue is still,
     * each has been told the place its call has in the one queue in Redis.
     */
    private void assertPlacesFollowTheGlobalOrder(RedisCommands<String, String> redis, RedisKeys keys,
                                                  List<WsClient> agents, List<WsClient> stations) {
        for (WsClient a : agents) {
            a.drain(Duration.ZERO);
            String re = a.nextId();
            a.send(new ClientMessage.SetAgentState(re, AgentState.AWAY));
            a.await(ServerMessage.AgentStateChanged.class, s -> re.equals(s.re()));
        }
        List<WsClient> calling = IntStream.range(0, STATIONS / 3).mapToObj(stations::get).toList();
        Map<WsClient, String> callOf = new HashMap<>();
        Map<String, Integer> lastPlace = new HashMap<>();
        calling.forEach(s -> {
            s.drain(Duration.ZERO);
            s.send(new ClientMessage.CallRequest(null, "MI-001", false));
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (WsClient s : calling) {
                for (ServerMessage m : s.drain(Duration.ZERO)) {
                    if (m instanceof ServerMessage.CallQueued q) {
                        callOf.put(s, q.callId());
                        lastPlace.put(q.callId(), q.position());
                    }
                }
            }
            List<String> order = redis.zrange(keys.queue(MI), 0, -1);
            assertThat(order).hasSize(calling.size());
            for (int i = 0; i < order.size(); i++) {
                assertThat(lastPlace.get(order.get(i))).as("place of " + order.get(i)).isEqualTo(i + 1);
            }
        });
        assertThat(callOf).hasSize(calling.size());
    }
}
