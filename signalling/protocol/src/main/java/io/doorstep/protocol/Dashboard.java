package io.doorstep.protocol;

import java.util.List;

/**
 * Value types of the operators' live dashboard ({@code dashboard.snapshot}, {@code dashboard.update}). Times are
 * epoch milliseconds of the server's clock, never durations, so a view that has not changed is equal to the last one
 * sent (and is not sent again); the page counts durations up itself from {@code serverTime}. No personal data: agents
 * and calls are named by ids, stations by their directory names.
 */
public final class Dashboard {
    private Dashboard() {
    }

    /** Everything that changes from second to second. */
    public record Live(List<Queue> queues, List<Agent> agents, List<Call> calls, Today today,
                       List<String> stationsOnline, List<KitFault> kitFaults, List<Relay> relays, boolean draining) {
        public Live {
            queues = List.copyOf(queues);
            agents = List.copyOf(agents);
            calls = List.copyOf(calls);
            stationsOnline = List.copyOf(stationsOnline);
            kitFaults = List.copyOf(kitFaults);
            relays = List.copyOf(relays);
        }
    }

    /**
     * A relay reporting to this server, as of its latest report: live TURN allocations against the most it admits,
     * and the bitrate it relayed each way (bits per second). A relay that stops reporting drops out of the list.
     */
    public record Relay(String id, String region, int allocations, int capacity, long toPeerBitrate,
                        long toClientBitrate) {
    }

    /**
     * A device of a signed-in station's kit that is not ready, as the station last reported it ({@code device.status}),
     * so operators see it before a villager arrives.
     */
    public record KitFault(String stationId, Devices.Kind device, Devices.State state) {
    }

    /**
     * One skill group's queue: calls waiting (not yet offered) and ringing; {@code oldestSince} is when the oldest of
     * them was queued (absent when the queue is empty).
     */
    public record Queue(String skillGroup, String nameZh, String nameEn, int waiting, int ringing, Long oldestSince,
                        int agentsAvailable, int agentsStaffed) {
    }

    /** A signed-in agent: its state since {@code since}; {@code callId} while offered or busy. */
    public record Agent(String id, AgentState state, boolean online, long since, List<String> skillGroups,
                        String callId) {
        public Agent {
            skillGroups = List.copyOf(skillGroups);
        }
    }

    /**
     * A call queued, ringing or connected. {@code state} is {@code queued}, {@code offered} or {@code connected};
     * {@code quality} is the worst of the parties' latest reports, absent until one arrives.
     */
    public record Call(String id, String state, String stationId, ServerMessage.ServiceItemInfo serviceItem,
                       boolean priority, long queuedAt, Long connectedAt, String agentId, Quality quality) {
    }

    /** A connected call's media quality, from the parties' {@code call.stats}: round-trip time and loss. */
    public record Quality(Double rttMs, Double fractionLost, boolean videoStalled) {
    }

    /**
     * Today (server's time zone) so far: answered calls, how many within the service-level target, abandoned or
     * cancelled before an answer; {@code serviceLevel} is within-target over answered plus abandoned (absent before
     * the first).
     */
    public record Today(String date, long requested, long answered, long answeredWithinTarget, long abandoned,
                        Double serviceLevel, long targetSeconds) {
    }

    /** A station of the directory, as the fleet panel shows it. */
    public record Station(String id, String name, String town, String village) {
    }

    /**
     * One minute of history, from {@code start}: calls requested, answered and abandoned in it, and the waits of the
     * calls answered in it (sum and longest, ms).
     */
    public record Minute(long start, int requested, int answered, int abandoned, long waitMsTotal, long waitMsMax) {
    }
}
