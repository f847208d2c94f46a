package io.doorstep.documents;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates the relay's document events to the signalling server, and the signalling server's call ends to the
 * relay ({@link #forCallEnds}): an HMAC-SHA256 of {@code <timestamp>.<body>} under a key derived from the shared
 * document secret, one key per direction (so the key that signs events is not the one that signs tokens, and a post in
 * one direction is never valid in the other). The signalling server refuses a post whose timestamp is more than {@link #MAX_SKEW} away
 * from its clock; within that window, event ids make a replayed post harmless.
 */
public final class EventSignature {
    public static final String TIMESTAMP_HEADER = "Doorstep-Timestamp";
    public static final String SIGNATURE_HEADER = "Doorstep-Signature";
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final String PREFIX = "v1=";

    private final SecretKeySpec key;
    private final Clock clock;

    /** For the relay's document events. */
    public EventSignature(byte[] documentSecret, Clock clock) {
        this(documentSecret, "doorstep-document-events-v1", clock);
    }

    private EventSignature(byte[] documentSecret, String purpose, Clock clock) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(documentSecret, "HmacSHA256"),
                purpose.getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        this.clock = clock;
    }

    /** For the signalling server's call ends, posted to the relay. */
    public static EventSignature forCallEnds(byte[] documentSecret, Clock clock) {
        return new EventSignature(documentSecret, "doorstep-call-ends-v1", clock);
    }

    /** The current timestamp (epoch seconds) to send in {@link #TIMESTAMP_HEADER}. */
    public String timestamp() {
        return Long.toString(clock.instant().getEpochSecond());
    }

    /** The value of {@link #SIGNATURE_HEADER} for {@code body} sent at {@code timestamp}. */
    public String sign(String timestamp, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(key, signed(timestamp, body)));
    }

    /** Whether the headers authenticate {@code body} now; any header missing or malformed is false. */
    public boolean verify(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null || !timestamp.matches("\\d{1,12}")) {
            return false;
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - Long.parseLong(timestamp));
        return skew <= MAX_SKEW.toSeconds() && MessageDigest.isEqual(
                sign(timestamp, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] signed(String timestamp, byte[] body) {
        byte[] head = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
