package io.doorstep.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Event signatures: the relay's signature verifies with the same secret, and nothing else does. */
class EventSignatureTest {
    private static final byte[] SECRET = "document-secret-0123456789abcdef-xyz".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private static final byte[] BODY = "{\"event\":\"created\"}".getBytes(StandardCharsets.UTF_8);
    private final EventSignature signature = new EventSignature(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aSignedBodyVerifies() {
        String ts = signature.timestamp();
        assertThat(signature.verify(ts, signature.sign(ts, BODY), BODY)).isTrue();
    }

    @Test
    void aChangedBodyOrTimestampDoesNotVerify() {
        String ts = signature.timestamp();
        String sig = signature.sign(ts, BODY);
        assertThat(signature.verify(ts, sig, "{\"event\":\"deleted\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(signature.verify(Long.toString(NOW.getEpochSecond() + 1), sig, BODY)).isFalse();
    }

    @Test
    void anotherSecretOrAStaleTimestampDoesNotVerify() {
        EventSignature other = new EventSignature("another-secret-0123456789abcdef-xyz"
                .getBytes(StandardCharsets.UTF_8), Clock.fixed(NOW, ZoneOffset.UTC));
        String ts = signature.timestamp();
        assertThat(signature.verify(ts, other.sign(ts, BODY), BODY)).isFalse();
        String stale = Long.toString(NOW.minus(EventSignature.MAX_SKEW).getEpochSecond() - 1);
        assertThat(signature.verify(stale, signature.sign(stale, BODY), BODY)).isFalse();
    }

    @Test
    void missingOrMalformedHeadersDoNotVerify() {
        String ts = signature.timestamp();
        assertThat(signature.verify(null, signature.sign(ts, BODY), BODY)).isFalse();
        assertThat(signature.verify(ts, null, BODY)).isFalse();
        assertThat(signature.verify("-5", signature.sign("-5", BODY), BODY)).isFalse();
        assertThat(signature.verify(ts, "v1=00", BODY)).isFalse();
    }

    @Test
    void aCallEndAndADocumentEventAreSignedWithDifferentKeys() {
        EventSignature callEnds = EventSignature.forCallEnds(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
        String ts = signature.timestamp();
        assertThat(callEnds.verify(ts, callEnds.sign(ts, BODY), BODY)).isTrue();
        assertThat(callEnds.verify(ts, signature.sign(ts, BODY), BODY)).isFalse();
        assertThat(signature.verify(ts, callEnds.sign(ts, BODY), BODY)).isFalse();
    }
}
