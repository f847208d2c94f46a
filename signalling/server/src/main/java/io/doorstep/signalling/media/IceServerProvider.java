package io.doorstep.signalling.media;

import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Role;
import io.doorstep.relays.RelayLoad;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
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
    private final RelayAssignments relays;

    /** Every call gets the TURN servers of {@code urls}. */
    public IceServerProvider(List<String> urls, byte[] sharedSecret, Duration ttl, Clock clock) {
        this(urls, sharedSecret, ttl, clock, null);
    }

    /**
     * Each call gets the TURN URLs of the relay {@code relays} assigns it, or those of {@code urls} while no relay
     * reports; the STUN entries of {@code urls} always.
     */
    public IceServerProvider(List<String> urls, byte[] sharedSecret, Duration ttl, Clock clock,
                             RelayAssignments relays) {
        for (String url : urls) {
            (url.toLowerCase(Locale.ROOT).startsWith("turn") ? turnUrls : stunUrls).add(url);
        }
        this.key = new SecretKeySpec(sharedSecret, "HmacSHA1");
        this.ttl = ttl;
        this.clock = clock;
        this.relays = relays;
    }

    /** ICE servers for one party of one call, over the configured TURN servers. */
    public List<IceServer> forCall(String callId, Role role) {
        return iceServers(callId, role, turnUrls);
    }

    /**
     * ICE servers for one party of one call at a station in {@code town}: over the call's relay (the same for both
     * parties, chosen on first use) when relays report their load, else over the configured TURN servers.
     * Switchboard thread only.
     */
    public List<IceServer> forCall(String callId, Role role, String town) {
        List<String> turn = relays == null ? turnUrls : relays.relayOf(callId, town, clock.millis())
                .map(RelayLoad::turnUrls).filter(u -> !u.isEmpty()).orElse(turnUrls);
        return iceServers(callId, role, turn);
    }

    /** The call ended: its relay stops counting it. Switchboard thread only. */
    public void release(String callId) {
        if (relays != null) {
            relays.release(callId);
        }
    }

    /** Who to tell (with the call's id) when a call's relay is gone and the call was given another. */
    public void onRelayMoved(Consumer<String> listener) {
        if (relays != null) {
            relays.onMoved(listener);
        }
    }

    private List<IceServer> iceServers(String callId, Role role, List<String> turn) {
        List<IceServer> servers = new ArrayList<>(2);
        if (!stunUrls.isEmpty()) {
            servers.add(new IceServer(stunUrls, null, null));
        }
        if (!turn.isEmpty()) {
            long expiry = clock.instant().plus(ttl).getEpochSecond();
            String username = expiry + ":" + callId + ":" + role.wireName();
            servers.add(new IceServer(turn, username, password(username)));
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
