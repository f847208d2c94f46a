package io.doorstep.loadtest.peak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.doorstep.signalling.directory.DirectoryLoader;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The people of the peak hour: their distributions, the time scale, and the skill mix. Seeded, so exact enough. */
class HumanTimesTest {
    private static final int SAMPLES = 20_000;
    private static final HumanTimes REAL_LIFE = new HumanTimes(Duration.ofSeconds(2), Duration.ofSeconds(8), 0.5,
            Duration.ofSeconds(30), Duration.ofMinutes(5), 0.02, Duration.ofSeconds(2), 1);

    @Test
    void answerDelayHasTheAskedPercentiles() {
        SplittableRandom random = new SplittableRandom(1);
        long[] delays = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            delays[i] = REAL_LIFE.answerDelayNanos(random);
        }
        Arrays.sort(delays);
        assertThat(delays[SAMPLES * 5 / 100] / 1e9).isCloseTo(2.0, within(0.15));
        assertThat(delays[SAMPLES * 95 / 100] / 1e9).isCloseTo(8.0, within(0.5));
    }

    @Test
    void handlingTimeIsCentredOnTheItemsTypicalMinutesAndScaled() {
        HumanTimes scaled = new HumanTimes(Duration.ofSeconds(2), Duration.ofSeconds(8), 0.5, Duration.ofSeconds(30),
                Duration.ofMinutes(5), 0.02, Duration.ofSeconds(2), 20);
        SplittableRandom random = new SplittableRandom(2);
        long[] handling = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            handling[i] = scaled.handlingNanos(random, 10);
        }
        Arrays.sort(handling);
        assertThat(handling[SAMPLES / 2] / 1e9).isCloseTo(30.0, within(1.0)); // 10 minutes / 20
        assertThat(scaled.wrapUpNanos()).isEqualTo(1_500_000_000L);
        assertThat(scaled.realLife(1_000_000_000L)).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void callsFollowTheGroupShares() {
        SkillMix mix = new SkillMix(DirectoryLoader.catalogue("classpath:defaults/catalogue.yaml"),
                SkillMix.DEFAULT_SHARES);
        SplittableRandom random = new SplittableRandom(3);
        Map<String, Integer> byGroup = new HashMap<>();
        for (int i = 0; i < SAMPLES; i++) {
            byGroup.merge(mix.pick(random).skillGroup(), 1, Integer::sum);
        }
        double total = mix.shares().values().stream().mapToDouble(Double::doubleValue).sum();
        mix.shares().forEach((group, share) ->
                assertThat((double) byGroup.getOrDefault(group, 0) / SAMPLES).as(group)
                        .isCloseTo(share / total, within(0.015)));
        assertThat(mix.meanMinutes()).isPositive();
    }
}
