package io.doorstep.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What became of a print job at the station. */
public enum PrintStatus {
    @JsonProperty("printed") PRINTED,
    @JsonProperty("failed") FAILED;

    /** The wire name, as in messages and the call log. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
