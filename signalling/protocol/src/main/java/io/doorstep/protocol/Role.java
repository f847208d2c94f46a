package io.doorstep.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who is on the other end of a session; carried in the sign-in token. */
public enum Role {
    /** A village or neighbourhood service station terminal. */
    @JsonProperty("station") STATION,
    /** An agent at a town's acceptance centre. */
    @JsonProperty("agent") AGENT,
    /** A district operator watching the system. */
    @JsonProperty("operator") OPERATOR;

    /** The wire name, as in tokens and messages. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a wire name; returns null when it is not a role. */
    public static Role fromWireName(String name) {
        for (Role r : values()) {
            if (r.wireName().equals(name)) {
                return r;
            }
        }
        return null;
    }
}
