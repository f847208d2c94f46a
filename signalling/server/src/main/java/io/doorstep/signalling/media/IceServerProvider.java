package io.doorstep.signalling.media;

import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Role;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hands each party of a call its ICE servers. TURN entries get short-lived credentials in the TURN REST API scheme
 * that coturn's {@code use-auth-secret} and the Doorstep relay accept: username {@code expiry:callId:role} (expiry in
 * Unix seconds), password base64(HMAC-SHA1(shared secret, username)).
 */
public final class IceServerProvider {
    private final List<String> stunUrls = new ArrayList<>();
    private final List<String> turnUrls = new ArrayList<>();
    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;

    public IceServerProvider(List<String> urls, byte[] sharedSecret, Duration ttl, Clock clock) {
        for (String url : urls) {
            (url.toLowerCase(Locale.ROOT).startsWith("turn") ? turnUrls : stunUrls).add(url);
        }
        this.key = new SecretKeySpec(sharedSecret, "HmacSHA1");
        this.ttl = ttl;
        this.clock = clock;
    }

    /** ICE servers for one party of one call. */
    public List<IceServer> forCall(String callId, Role role) {
        List<IceServer> servers = new ArrayList<>(2);
        if (!stunUrls.isEmpty()) {
            servers.add(new IceServer(stunUrls, null, null));
        }
        if (!turnUrls.isEmpty()) {
            long expiry = clock.instant().plus(ttl).getEpochSecond();
            String username = expiry + ":" + callId + ":" + role.wireName();
            servers.add(new IceServer(turnUrls, username, password(username)));
        }
        return servers;
    }

    /** base64(HMAC-SHA1(secret, username)): the TURN REST API password. */
    public String password(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
