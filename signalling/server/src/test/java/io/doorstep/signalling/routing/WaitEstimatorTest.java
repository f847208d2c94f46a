package io.doorstep.signalling.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.doorstep.signalling.directory.DirectoryLoader;
import io.doorstep.signalling.directory.ServiceCatalogue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaitEstimatorTest {
    @TempDir
    Path dir;
    WaitEstimator estimator;

    /** Group "a": items of 10 and 20 minutes (prior 15 min = 900 s). Group "b": 7 minutes. Group "empty": none. */
    @BeforeEach
    void catalogue() throws IOException {
        Path file = dir.resolve("catalogue.yaml");
        Files.writeString(file, """
                skill-groups:
                  - {code: a, name-zh: 甲, name-en: A}
                  - {code: b, name-zh: 乙, name-en: B}
                  - {code: empty, name-zh: 空, name-en: Empty}
                items:
                  - {code: AA-001, name-zh: 一, name-en: One, skill-group: a, handling-minutes: 10}
                  - {code: AA-002, name-zh: 二, name-en: Two, skill-group: a, handling-minutes: 20}
                  - {code: BB-001, name-zh: 三, name-en: Three, skill-group: b, handling-minutes: 7}
                """);
        ServiceCatalogue catalogue = DirectoryLoader.catalogue(file.toString());
        estimator = new WaitEstimator(catalogue);
    }

    @Test
    void priorIsTheCataloguesTypicalHandlingTime() {
        assertThat(estimator.handlingSeconds("a")).isEqualTo(900.0);
        assertThat(estimator.handlingSeconds("b")).isEqualTo(420.0);
        assertThat(estimator.handlingSeconds("empty")).as("no items: 10 minutes").isEqualTo(600.0);
    }

    @Test
    void unknownWhenNobodyIsOnDuty() {
        assertThat(estimator.estimateSeconds("a", 1, 0, 0)).isNull();
        assertThat(estimator.estimateSeconds("a", 5, 0, 0)).isNull();
    }

    @Test
    void zeroWhenAFreeAgentCanTakeTheCall() {
        assertThat(estimator.estimateSeconds("a", 1, 1, 1)).isZero();
        assertThat(estimator.estimateSeconds("a", 3, 3, 4)).isZero();
        assertThat(estimator.estimateSeconds("a", 2, 5, 5)).isZero();
    }

    @Test
    void waitsThroughTheCallsAheadSharedByTheStaffedAgents() {
        // n = position - free calls to wait through, each (n - 1/2) * handling / staffed.
        assertThat(estimator.estimateSeconds("a", 1, 0, 1)).isEqualTo(450);   // 0.5 * 900
        assertThat(estimator.estimateSeconds("a", 2, 0, 1)).isEqualTo(1350);  // 1.5 * 900
        assertThat(estimator.estimateSeconds("a", 3, 0, 2)).isEqualTo(1125);  // 2.5 * 900 / 2
        assertThat(estimator.estimateSeconds("a", 3, 1, 2)).isEqualTo(675);   // 1.5 * 900 / 2
        assertThat(estimator.estimateSeconds("b", 1, 0, 3)).isEqualTo(70);    // 0.5 * 420 / 3
    }

    @Test
    void roundsToFiveSeconds() {
        // 0.5 * 420 / 4 = 52.5 -> 55 (rounds half up); 0.5 * 420 / 9 = 23.3 -> 25; 0.5 * 420 / 20 = 10.5 -> 10
        assertThat(estimator.estimateSeconds("b", 1, 0, 4)).isEqualTo(55);
        assertThat(estimator.estimateSeconds("b", 1, 0, 9)).isEqualTo(25);
        assertThat(estimator.estimateSeconds("b", 1, 0, 20)).isEqualTo(10);
        assertThat(estimator.estimateSeconds("b", 1, 0, 100)).isZero();
    }

    @Test
    void realCallsMoveTheMeanFromThePrior() {
        estimator.recordHandling("a", 100);
        assertThat(estimator.handlingSeconds("a")).as("900 + 0.2 * (100 - 900)").isCloseTo(740.0, within(1e-9));
        estimator.recordHandling("a", 740);
        assertThat(estimator.handlingSeconds("a")).isCloseTo(740.0, within(1e-9));
        estimator.recordHandling("a", 1740);
        assertThat(estimator.handlingSeconds("a")).isCloseTo(940.0, within(1e-9));
        assertThat(estimator.estimateSeconds("a", 1, 0, 1)).isEqualTo(470);
        assertThat(estimator.handlingSeconds("b")).as("other groups unaffected").isEqualTo(420.0);
    }

    @Test
    void theFirstRealCallIsBlendedWithThePriorWhetherOrNotAnEstimateWasAskedFirst() {
        WaitEstimator asked = estimator;
        asked.handlingSeconds("a"); // seeds the prior
        asked.recordHandling("a", 100);
        WaitEstimator notAsked = new WaitEstimator(DirectoryLoader.catalogue(dir.resolve("catalogue.yaml").toString()));
        notAsked.recordHandling("a", 100);
        assertThat(notAsked.handlingSeconds("a")).isEqualTo(asked.handlingSeconds("a"));
    }
}
