package io.doorstep.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An agent's state as the routing sees it. At most one call per agent at a time. */
public enum AgentState {
    /** Ready to be offered a call. */
    @JsonProperty("available") AVAILABLE,
    /** A call is ringing at the agent's console. */
    @JsonProperty("offered") OFFERED,
    /** In a call. */
    @JsonProperty("busy") BUSY,
    /** After-call work; ends by itself after the configured time or when the agent sets available. */
    @JsonProperty("wrap_up") WRAP_UP,
    /** Not taking calls. */
    @JsonProperty("away") AWAY
}
