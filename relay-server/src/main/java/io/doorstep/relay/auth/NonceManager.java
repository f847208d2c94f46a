package io.doorstep.relay.auth;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces (RFC 8489 §9.2): the issue time and a MAC over it and the client's address, under a key that
 * lives only in this process. Nothing is stored per client, a nonce works only for the address it was given to,
 * and one older than the lifetime is stale (438), so the client retries with the fresh nonce in that answer.
 */
public final class NonceManager {
    private static final int TIME_BYTES = 8;
    private static final int MAC_BYTES = 12;

    private final SecretKeySpec key;
    private final Duration lifetime;
    private final Clock clock;

    public NonceManager(Duration lifetime, Clock clock) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = new SecretKeySpec(random, "HmacSHA256");
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A fresh nonce for a client at {@code address}. */
    public String issue(InetAddress address) {
        long now = clock.millis();
        ByteBuffer b = ByteBuffer.allocate(TIME_BYTES + MAC_BYTES).putLong(now).put(mac(now, address));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** What a nonce presented by {@code address} is worth. */
    public Verdict check(String nonce, InetAddress address) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return Verdict.INVALID;
        }
        if (raw.length != TIME_BYTES + MAC_BYTES) {
            return Verdict.INVALID;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        long issued = b.getLong();
        byte[] mac = new byte[MAC_BYTES];
        b.get(mac);
        if (!MessageDigest.isEqual(mac, mac(issued, address))) {
            return Verdict.INVALID;
        }
        long age = clock.millis() - issued;
        return age < 0 || age > lifetime.toMillis() ? Verdict.STALE : Verdict.VALID;
    }

    /** VALID: go on; STALE: answer 438 with a new nonce; INVALID: answer 401 with a new nonce. */
    public enum Verdict { VALID, STALE, INVALID }

    private byte[] mac(long time, InetAddress address) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(ByteBuffer.allocate(TIME_BYTES).putLong(time).array());
            mac.update(address.getAddress());
            byte[] full = mac.doFinal();
            byte[] out = new byte[MAC_BYTES];
            System.arraycopy(full, 0, out, 0, MAC_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
