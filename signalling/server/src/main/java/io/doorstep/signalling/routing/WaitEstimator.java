package io.doorstep.signalling.routing;

import io.doorstep.signalling.directory.ServiceCatalogue;
import java.util.HashMap;
import java.util.Map;

/**
 * Estimates a queued call's wait from the agents on duty for its skill group and the group's recent handling times.
 *
 * <p>Handling time per group is an exponentially weighted mean of real calls (talk plus wrap-up), seeded with the
 * catalogue's typical minutes. A call with {@code ahead} calls before it, {@code free} available agents and
 * {@code staffed} agents on duty (not away) has {@code n = max(0, ahead + 1 - free)} calls to wait through and
 * waits about {@code (n - 1/2) * handling / staffed}: each staffed agent frees up once per handling time and is on
 * average half-way through its current call. Unknown (null) when nobody is on duty.
 */
public final class WaitEstimator {
    private static final double WEIGHT = 0.2;

    private final Map<String, Double> handlingSeconds = new HashMap<>();
    private final ServiceCatalogue catalogue;

    public WaitEstimator(ServiceCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Feeds one finished call's handling time (talk plus wrap-up) into its group's mean. */
    public void recordHandling(String skillGroup, double seconds) {
        double mean = handlingSeconds(skillGroup); // the prior, if this is the group's first real call
        handlingSeconds.put(skillGroup, mean + WEIGHT * (seconds - mean));
    }

    public double handlingSeconds(String skillGroup) {
        return handlingSeconds.computeIfAbsent(skillGroup, g -> catalogue.typicalHandlingMinutes(g) * 60);
    }

    /** Seconds, rounded to 5, or null when no agent is on duty. */
    public Integer estimateSeconds(String skillGroup, int position, int free, int staffed) {
        if (staffed == 0) {
            return null;
        }
        int n = Math.max(0, position - free);
        double seconds = n == 0 ? 0 : (n - 0.5) * handlingSeconds(skillGroup) / staffed;
        return (int) (Math.round(seconds / 5) * 5);
    }
}
