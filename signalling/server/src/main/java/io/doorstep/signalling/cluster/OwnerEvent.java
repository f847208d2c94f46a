package io.doorstep.signalling.cluster;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ProtocolException;
import io.doorstep.protocol.Role;
import java.nio.charset.StandardCharsets;

/**
 * An event about a call that the node which saw it sends to the call's owner, to be applied there (docs/cluster.md
 * §3): a message a party sent, a party's session signing in, dropping, resuming or ending, or a ring timer that
 * fired on the node that made the offer.
 *
 * @param identityId the party (for a ring timeout: the agent the call rang at)
 * @param role       the party's role
 * @param sessionId  the party's session on the sending node (empty for a ring timeout)
 * @param argument   a close's cause, a sign-in's take-over flag, or a ring timeout's call id and offer time
 * @param message    the client message, for {@link Kind#MESSAGE} only
 */
public record OwnerEvent(String identityId, Role role, String sessionId, Kind kind, String argument,
                         ClientMessage message) {
    /** What happened. */
    public enum Kind { MESSAGE, SIGNED_IN, DETACHED, RESUMED, CLOSED, RING_TIMEOUT }

    /** The ring timeout of the offer of {@code callId} made to {@code agentId} at {@code offeredAt}. */
    static OwnerEvent ringTimeout(String callId, String agentId, long offeredAt) {
        return new OwnerEvent(agentId, Role.AGENT, "", Kind.RING_TIMEOUT, callId + " " + offeredAt, null);
    }

    /** The call id of a ring timeout. */
    String callId() {
        return argument.substring(0, argument.indexOf(' '));
    }

    /** The offer time of a ring timeout. */
    long offeredAt() {
        return Long.parseLong(argument.substring(argument.indexOf(' ') + 1));
    }

    /** As published: identity, newline, role TAB session TAB kind TAB argument, newline, the message's JSON or nothing. */
    String text(ProtocolCodec codec) {
        String json = message == null ? "" : new String(codec.encode(message), StandardCharsets.UTF_8);
        return identityId + "\n" + role.name() + "\t" + sessionId + "\t" + kind.name() + "\t" + argument + "\n" + json;
    }

    static OwnerEvent parse(String text, ProtocolCodec codec) throws ProtocolException {
        String[] lines = text.split("\n", 3);
        String[] f = lines[1].split("\t", 4);
        Kind kind = Kind.valueOf(f[2]);
        ClientMessage message = kind == Kind.MESSAGE
                ? codec.decodeClient(lines[2].getBytes(StandardCharsets.UTF_8)) : null;
        return new OwnerEvent(lines[0], Role.valueOf(f[0]), f[1], kind, f[3], message);
    }
}
