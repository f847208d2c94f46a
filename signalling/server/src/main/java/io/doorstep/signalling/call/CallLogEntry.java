package io.doorstep.signalling.call;

import io.doorstep.protocol.EndReason;

/**
 * One line of the call log: a transition of one call. The {@code ended} line also carries the call's summary:
 * queue wait, time to answer (ring time of the answered offer), talk time. No personal data.
 */
public record CallLogEntry(long ts, String callId, String event, String state, String stationId, String agentId,
                           String serviceItem, String skillGroup, boolean priority, EndReason reason, String cause,
                           Long queueWaitMs, Long answerMs, Long talkMs)
        implements CallLog.Entry {

    /** The entry for {@code call} having just taken {@code event}; {@code agentId} is the agent it concerns. */
    public static CallLogEntry of(Call call, String event, String agentId, long now) {
        boolean ended = call.state() == CallState.ENDED;
        Long queueWait = ended ? (call.connectedAt() > 0 ? call.connectedAt() : call.endedAt()) - call.queuedAt()
                : null;
        Long answer = ended && call.connectedAt() > 0 ? call.connectedAt() - call.offeredAt() : null;
        Long talk = ended && call.connectedAt() > 0 ? call.endedAt() - call.connectedAt() : null;
        return new CallLogEntry(now, call.id(), event, call.state().name().toLowerCase(java.util.Locale.ROOT),
                call.stationId(), agentId,
                call.serviceItem(), call.skillGroup(), call.priority(), call.endReason(), call.cause(), queueWait,
                answer, talk);
    }
}
