package io.doorstep.signalling.cluster;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.EndReason;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallState;
import io.doorstep.signalling.routing.AgentStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Calls and agents as the flat string fields of their Redis hashes, in the order lib.lua's CALL_FIELDS and
 * AGENT_FIELDS list them. A missing value is the empty string; booleans are "1" and "0".
 */
final class Codec {
    static final int CALL_FIELDS = 15, AGENT_FIELDS = 6;

    private Codec() {
    }

    static List<String> callFields(Call c) {
        return List.of(c.stationId(), c.serviceItem(), c.skillGroup(), bool(c.priority()), c.state().name(),
                Long.toString(c.queuedAt()), text(c.offeredTo()), Long.toString(c.offeredAt()),
                Integer.toString(c.offers()), csv(c.rejectedBy()), text(c.agentId()), Long.toString(c.connectedAt()),
                Long.toString(c.endedAt()), c.endReason() == null ? "" : c.endReason().name(), text(c.cause()));
    }

    /** A call from {id, fifteen fields, ...} as call-read.lua returns it. */
    static Call call(List<?> row) {
        String[] f = strings(row);
        return new Call(f[0], f[1], f[2], f[3], f[4].equals("1"), CallState.valueOf(f[5]), Long.parseLong(f[6]),
                nullIfEmpty(f[7]), Long.parseLong(f[8]), Integer.parseInt(f[9]), set(f[10]), nullIfEmpty(f[11]),
                Long.parseLong(f[12]), Long.parseLong(f[13]), f[14].isEmpty() ? null : EndReason.valueOf(f[14]),
                nullIfEmpty(f[15]));
    }

    static List<String> agentFields(AgentStatus a) {
        return List.of(csv(a.skillGroups()), a.state().name(), Long.toString(a.stateSince()),
                Long.toString(a.idleSince()), text(a.callId()), bool(a.online()));
    }

    /** An agent from {id, six fields} as agent-read.lua returns it. */
    static AgentStatus agent(List<?> row) {
        String[] f = strings(row);
        return new AgentStatus(f[0], set(f[1]), AgentState.valueOf(f[2]), Long.parseLong(f[3]),
                Long.parseLong(f[4]), nullIfEmpty(f[5]), f[6].equals("1"));
    }

    /** The script arguments: {@code head} followed by {@code fields}. */
    static String[] args(List<String> fields, String... head) {
        List<String> all = new ArrayList<>(Arrays.asList(head));
        all.addAll(fields);
        return all.toArray(String[]::new);
    }

    private static String[] strings(List<?> row) {
        return row.stream().map(v -> v == null ? "" : v.toString()).toArray(String[]::new);
    }

    private static String csv(Set<String> items) {
        for (String item : items) {
            if (item.isEmpty() || item.contains(",")) {
                throw new IllegalArgumentException("'" + item + "' cannot be stored in a comma-separated list");
            }
        }
        return String.join(",", new TreeSet<>(items));
    }

    private static Set<String> set(String csv) {
        return csv.isEmpty() ? Set.of() : Set.of(csv.split(","));
    }

    private static String bool(boolean b) {
        return b ? "1" : "0";
    }

    static String text(String s) {
        return s == null ? "" : s;
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }
}
