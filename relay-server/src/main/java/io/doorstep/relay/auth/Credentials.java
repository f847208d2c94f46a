package io.doorstep.relay.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The passwords of long-term credentials (RFC 8489 §9.2): static users from the configuration, and ephemeral
 * TURN REST API users, whose username is {@code expiry:anything} (expiry in Unix seconds) and whose password is
 * base64(HMAC-SHA1(shared secret, username)) — what the signalling server issues and coturn's
 * {@code use-auth-secret} accepts. An expired REST username has no password, so it is refused like a wrong one.
 */
public final class Credentials {
    private final Map<String, String> staticUsers;
    private final SecretKeySpec restSecret;
    private final Clock clock;

    /**
     * @param staticUsers username → password
     * @param restSecret  the TURN REST API shared secret, or null when ephemeral credentials are off
     */
    public Credentials(Map<String, String> staticUsers, byte[] restSecret, Clock clock) {
        this.staticUsers = Map.copyOf(staticUsers);
        this.restSecret = restSecret == null ? null : new SecretKeySpec(restSecret, "HmacSHA1");
        this.clock = clock;
    }

    /** The password of {@code username} now, if it is a valid user. */
    public Optional<String> password(String username) {
        String fixed = staticUsers.get(username);
        if (fixed != null) {
            return Optional.of(fixed);
        }
        if (restSecret == null) {
            return Optional.empty();
        }
        long expiry = restExpiry(username);
        if (expiry < 0 || expiry <= clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(restPassword(username));
    }

    /** Whether the username is a TURN REST API one that has expired (for a clearer log line and metric). */
    public boolean isExpiredRestUsername(String username) {
        long expiry = restExpiry(username);
        return expiry >= 0 && expiry <= clock.instant().getEpochSecond();
    }

    /** The expiry of a REST username {@code expiry[:rest]}, or -1 when it is not one. */
    static long restExpiry(String username) {
        int colon = username.indexOf(':');
        String head = colon < 0 ? username : username.substring(0, colon);
        if (head.isEmpty() || head.length() > 12) {
            return -1;
        }
        for (int i = 0; i < head.length(); i++) {
            if (!Character.isDigit(head.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(head);
    }

    private String restPassword(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(restSecret);
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
