package io.doorstep.signalling.media;

import io.doorstep.config.ConfigException;
import java.util.Locale;

/** How a call's relay is chosen ({@code media.relay-selection}). */
public enum RelaySelection {
    /** The TURN URLs of {@code media.ice-servers}, the same for every call: one relay, or a load balancer. */
    STATIC,
    /** Among the relays reporting their load, the one with the most room. */
    LEAST_LOADED,
    /** Among the relays whose region is the station's town the one with the most room; any relay if none is. */
    SAME_REGION;

    public static RelaySelection parse(String value) {
        for (RelaySelection s : values()) {
            if (s.wireName().equals(value)) {
                return s;
            }
        }
        throw new ConfigException("media.relay-selection: must be static, least-loaded or same-region, not '"
                + value + "'");
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
