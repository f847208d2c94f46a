package io.doorstep.config;

import java.time.Duration;

/** Value checks for config records (call them from compact constructors); the message names the key so the operator knows what to fix. */
public final class Check {
    private Check() {
    }

    public static void that(boolean ok, String key, String rule) {
        if (!ok) {
            throw new ConfigException(key + ": " + rule);
        }
    }

    public static void positive(Duration d, String key) {
        that(d != null && !d.isNegative() && !d.isZero(), key, "must be a positive duration");
    }
}
