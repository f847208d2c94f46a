package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {
    private static final URI SERVER = URI.create("wss://doorstep.example/ws");

    @Test
    void defaultsAreTheDocumentedOnes() {
        ClientOptions o = ClientOptions.builder(SERVER, "t").build();
        assertThat(o.reconnect()).isEqualTo(Backoff.DEFAULT);
        assertThat(o.relayOnly()).isFalse();
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.pongTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.statsInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.uploadChunkBytes()).isEqualTo(256 * 1024);
        assertThat(o.insecureTurnTls()).as("TURN/TLS certificates checked").isFalse();
        assertThat(o.generatedAudio()).as("the machine's microphone and speaker where it has them").isFalse();
        assertThat(o.token().get()).isEqualTo("t");
    }

    @Test
    void mutateChangesOnlyWhatIsSet() {
        ClientOptions o = ClientOptions.builder(SERVER, "t").relayOnly(true).insecureTurnTls(true)
                .generatedAudio(true).build();
        ClientOptions p = o.mutate().requestTimeout(Duration.ofSeconds(3)).build();
        assertThat(p.relayOnly()).isTrue();
        assertThat(p.insecureTurnTls()).isTrue();
        assertThat(p.generatedAudio()).isTrue();
        assertThat(p.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.mutate().build()).isEqualTo(p);
    }

    @Test
    void badValuesAreRefusedAtOnce() {
        assertThatThrownBy(() -> ClientOptions.builder(SERVER, "t").pongTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pongTimeout");
        assertThatThrownBy(() -> ClientOptions.builder(SERVER, "t").uploadChunkBytes(10).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0.3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffGrowsToItsCapWithinItsJitter() {
        SplittableRandom random = new SplittableRandom(1);
        Backoff b = Backoff.DEFAULT;
        for (int attempt = 0; attempt < 40; attempt++) {
            double base = Math.min(15_000, 500 * Math.pow(2, attempt));
            assertThat(b.delay(attempt, random).toMillis()).isBetween(Math.round(base * 0.7), Math.round(base * 1.3));
        }
        Backoff exact = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 3, 0);
        assertThat(exact.delay(0, random)).isEqualTo(Duration.ofMillis(100));
        assertThat(exact.delay(2, random)).isEqualTo(Duration.ofMillis(900));
        assertThat(exact.delay(3, random)).isEqualTo(Duration.ofSeconds(1));
    }
}
