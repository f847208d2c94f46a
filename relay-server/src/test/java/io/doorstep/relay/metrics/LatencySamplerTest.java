package io.doorstep.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One packet in {@value LatencySampler#PERIOD} is timed from its arrival to the flush that sends it. */
class LatencySamplerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LatencySampler sampler = new RelayMetrics(registry, () -> 0).toPeerLatency();

    private Timer timer() {
        return registry.get("doorstep.relay.forwarding.latency").tag("direction", "to_peer").timer();
    }

    @Test
    void onePacketInAPeriodIsTimedUntilTheFlush() {
        long arrived = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(5);
        for (int i = 0; i < LatencySampler.PERIOD - 1; i++) {
            sampler.written(arrived);
        }
        sampler.flushed();
        assertThat(timer().count()).as("no sample before the period's end").isZero();

        sampler.written(arrived);
        sampler.flushed();
        sampler.flushed();

        assertThat(timer().count()).as("one sample, recorded once").isEqualTo(1);
        assertThat(timer().totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aSampleWaitingForItsFlushIsNotReplacedByLaterPackets() {
        long first = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < LatencySampler.PERIOD; i++) {
            sampler.written(first);
        }
        for (int i = 0; i < 3 * LatencySampler.PERIOD; i++) {
            sampler.written(System.nanoTime());
        }
        sampler.flushed();

        assertThat(timer().count()).isEqualTo(1);
        assertThat(timer().totalTime(TimeUnit.MILLISECONDS)).as("the first sample's wait").isGreaterThanOrEqualTo(50);
    }
}
