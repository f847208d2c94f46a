package io.doorstep.client.internal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.doorstep.client.media.FrameFeed;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session's life without a peer: refusals reported, not thrown on a WebRTC thread; teardown in any order. */
class MediaSessionLifecycleTest {

    @Test
    void aRefusedDescriptionIsReportedAsAFailure() {
        try (MediaEngine engine = MediaEngine.create()) {
            Party party = new Party("alone");
            party.session = MediaSession.open(engine, List.of(), false, new FrameFeed(), party, party,
                    Duration.ofSeconds(1));
            party.session.start(false);
            party.session.remoteDescription("offer", "this is not SDP");
            // webrtc-java answers unparseable SDP with silence: the session's own timeout reports it
            await().atMost(MediaSession.DESCRIPTION_TIMEOUT.plusSeconds(5)).until(() -> !party.failures.isEmpty());
            assertThat(party.failures.get(0)).startsWith("the remote offer description was refused");
            assertThatThrownBy(() -> party.session.remoteDescription("hello", "v=0"))
                    .isInstanceOf(IllegalArgumentException.class);
            party.session.close();
            party.session.close();
        }
    }

    @Test
    void closingTheEngineClosesItsSessionsFirst() {
        MediaEngine engine = MediaEngine.create();
        Party a = new Party("a");
        Party b = new Party("b");
        Party.pair(a, b);
        a.session = MediaSession.open(engine, List.of(), false, new FrameFeed(), a, a, Duration.ofSeconds(1));
        b.session = MediaSession.open(engine, List.of(), false, new FrameFeed(), b, b, Duration.ofSeconds(1));
        b.session.start(false);
        a.session.start(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.offersSent.size() == 1);
        engine.close();
        engine.close();
        a.session.close();
        assertThatThrownBy(() -> MediaSession.open(engine, List.of(), false, new FrameFeed(), a, a,
                Duration.ofSeconds(1))).isInstanceOf(RuntimeException.class);
    }
}
