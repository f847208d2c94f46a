package io.doorstep.signalling.config;

import java.time.Duration;

/** Value checks for config records; the message names the key so the operator knows what to fix. */
final class Check {
    private Check() {
    }

    static void that(boolean ok, String key, String rule) {
        if (!ok) {
            throw new ConfigException(key + ": " + rule);
        }
    }

    static void positive(Duration d, String key) {
        that(d != null && !d.isNegative() && !d.isZero(), key, "must be a positive duration");
    }
}
