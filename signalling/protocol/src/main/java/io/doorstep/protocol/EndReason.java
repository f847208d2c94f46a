package io.doorstep.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a call ended. The finer {@code cause} in {@link ServerMessage.CallEnded} says why. */
public enum EndReason {
    /** The call was connected and one side hung up. */
    @JsonProperty("completed") COMPLETED,
    /** The station cancelled before an agent answered. */
    @JsonProperty("cancelled") CANCELLED,
    /** The station went away (signed out or lost beyond the grace period) before an agent answered. */
    @JsonProperty("abandoned") ABANDONED,
    /** Every signed-in agent with the skill rejected the call. */
    @JsonProperty("rejected_by_all") REJECTED_BY_ALL,
    /** The call could not continue: a party was lost beyond the grace period, media failed, the server stopped. */
    @JsonProperty("failed") FAILED
}
