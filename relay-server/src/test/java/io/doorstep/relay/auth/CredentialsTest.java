package io.doorstep.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    private final Instant now = Instant.parse("2026-11-29T08:00:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    private final Credentials credentials = new Credentials(Map.of("lab", "lab-password"),
            "shared-secret".getBytes(StandardCharsets.UTF_8), clock);

    @Test
    void restUsernamesValidUntilTheirExpiryWithTheHmacPassword() {
        String username = (now.getEpochSecond() + 600) + ":c-abc:station";
        assertThat(credentials.password(username)).hasValueSatisfying(p -> assertThat(p).hasSize(28));
        assertThat(credentials.password((now.getEpochSecond() - 1) + ":c-abc:station")).isEmpty();
        assertThat(credentials.isExpiredRestUsername((now.getEpochSecond() - 1) + ":c-abc:station")).isTrue();
        assertThat(credentials.password(String.valueOf(now.getEpochSecond() + 3600))).isPresent(); // expiry alone
    }

    @Test
    void knownRestPasswordMatchesCoturnsScheme() {
        Credentials c = new Credentials(Map.of(), "north".getBytes(StandardCharsets.UTF_8),
                Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC));
        assertThat(c.password("1433895918506:1234")).isEmpty(); // 13 digits: not a Unix-seconds expiry
        // From openssl, not from our code: printf %s 1433895918:1234 | openssl dgst -sha1 -hmac north -binary | base64
        assertThat(c.password("1433895918:1234")).contains("Tl/bGovPQajrt8xGsBL/54LMvQE=");
    }

    @Test
    void staticUsersAndUnknownOnes() {
        assertThat(credentials.password("lab")).contains("lab-password");
        assertThat(credentials.password("nobody")).isEmpty();
        assertThat(new Credentials(Map.of(), null, clock).password((now.getEpochSecond() + 60) + ":x")).isEmpty();
    }

    @Test
    void noncesAreBoundToAddressAndExpire() throws Exception {
        MutableClock time = new MutableClock(now);
        NonceManager nonces = new NonceManager(Duration.ofMinutes(10), time);
        InetAddress a = InetAddress.getByName("198.51.100.1");
        InetAddress b = InetAddress.getByName("198.51.100.2");
        String nonce = nonces.issue(a);
        assertThat(nonces.check(nonce, a)).isEqualTo(NonceManager.Verdict.VALID);
        assertThat(nonces.check(nonce, b)).isEqualTo(NonceManager.Verdict.INVALID);
        assertThat(nonces.check("not a nonce!", a)).isEqualTo(NonceManager.Verdict.INVALID);
        assertThat(nonces.check(nonce.substring(1), a)).isEqualTo(NonceManager.Verdict.INVALID);
        time.now = now.plus(Duration.ofMinutes(11));
        assertThat(nonces.check(nonce, a)).isEqualTo(NonceManager.Verdict.STALE);
        assertThat(new NonceManager(Duration.ofMinutes(10), time).check(nonces.issue(a), a))
                .as("another process's nonce").isEqualTo(NonceManager.Verdict.INVALID);
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
