package io.doorstep.loadtest.peak;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How long people take, drawn afresh for every call, all divided by the time scale so that a run of minutes replays
 * an hour: the queue's dynamics (occupancy, waits relative to handling times) are those of the hour, only faster.
 * The reconnect delay is not scaled: it is the network's, measured against the server's real resume grace.
 *
 * @param answerP5       5th percentile of an agent's delay before accepting an offer (lognormal)
 * @param answerP95      95th percentile of it
 * @param handlingSigma  spread of a call's handling time around its item's typical minutes (lognormal sigma; the
 *                       typical minutes are the median)
 * @param wrapUp         after-call work before the agent is available again
 * @param patience       mean time a station waits in the queue before it gives up and cancels (exponential)
 * @param dropShare      share of connected calls during which the station's connection drops
 * @param reconnectAfter how long a dropped station is off the network before it resumes its session
 * @param timeScale      how many times faster than real life the run goes
 */
public record HumanTimes(Duration answerP5, Duration answerP95, double handlingSigma, Duration wrapUp,
                         Duration patience, double dropShare, Duration reconnectAfter, double timeScale) {
    /** z of the 95th percentile of the standard normal. */
    private static final double Z95 = 1.6449;

    public HumanTimes {
        if (timeScale <= 0 || answerP5.compareTo(answerP95) > 0 || answerP5.isZero()) {
            throw new IllegalArgumentException("need time scale > 0 and 0 < answer p5 <= answer p95");
        }
    }

    long answerDelayNanos(SplittableRandom random) {
        double mu = (Math.log(answerP5.toNanos()) + Math.log(answerP95.toNanos())) / 2;
        double sigma = (Math.log(answerP95.toNanos()) - Math.log(answerP5.toNanos())) / (2 * Z95);
        return scaled(Math.exp(mu + sigma * gaussian(random)));
    }

    long handlingNanos(SplittableRandom random, int typicalMinutes) {
        return scaled(typicalMinutes * 60e9 * Math.exp(handlingSigma * gaussian(random)));
    }

    long wrapUpNanos() {
        return scaled(wrapUp.toNanos());
    }

    long patienceNanos(SplittableRandom random) {
        return scaled(-patience.toNanos() * Math.log(1 - random.nextDouble()));
    }

    boolean drops(SplittableRandom random) {
        return random.nextDouble() < dropShare;
    }

    /** When in a call of this item its connection drops: somewhere in its first half, typically. */
    long dropAfterNanos(SplittableRandom random, int typicalMinutes) {
        return scaled(typicalMinutes * 60e9 * random.nextDouble() / 2);
    }

    /** A wait in the run as it would be in real life: what the service level target is about. */
    Duration realLife(long runNanos) {
        return Duration.ofNanos((long) (runNanos * timeScale));
    }

    private long scaled(double realNanos) {
        return Math.max(1, (long) (realNanos / timeScale));
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
