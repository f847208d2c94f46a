package io.doorstep.loadtest.relay;

import io.doorstep.relay.stun.Integrity;
import io.doorstep.relay.stun.LongTermKey;
import io.doorstep.relay.stun.StunAttribute;
import io.doorstep.relay.stun.StunClass;
import io.doorstep.relay.stun.StunCodec;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import io.doorstep.relay.stun.StunParseException;
import io.doorstep.relay.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The control plane of one benchmark flow, as a TURN client over UDP (RFC 8656): Allocate (401 challenge, then
 * long-term credentials), CreatePermission and ChannelBind for the echo peer, and Refresh with lifetime 0 at the
 * end. Requests are retransmitted (RFC 8489 §6.2.1, RTO 250 ms doubling, 6 tries); a 438 Stale Nonce is retried
 * once with the new nonce. Over TCP (plain TURN over TCP, RFC 8656 §12.5) the same messages go on the stream, not
 * retransmitted. Confined to the channel's event loop: call every method there.
 */
final class TurnSession {
    /** The channel number every flow binds (each flow is its own allocation, so they do not collide). */
    static final int CHANNEL = 0x4000;
    private static final long RTO_MILLIS = 250;
    private static final int TRIES = 6;
    private static final long LIFETIME_SECONDS = 600;

    private final Channel channel;
    private final InetSocketAddress server;
    /** TURN over TCP (RFC 8656 §12.5 framing): no retransmissions, no datagram envelope. */
    private final boolean stream;
    private final Map<TransactionId, Pending> pending = new HashMap<>();
    private String username;
    private String realm;
    private String nonce;
    private byte[] key;
    private InetSocketAddress relayed;

    TurnSession(Channel channel, InetSocketAddress server) {
        this.channel = channel;
        this.server = server;
        this.stream = !(channel instanceof io.netty.channel.socket.DatagramChannel);
    }

    /** TURN REST API credentials (draft-uberti-behave-turn-rest, coturn's use-auth-secret): expiry:id. */
    static String restUsername(long expiresEpochSecond, String id) {
        return expiresEpochSecond + ":" + id;
    }

    /** base64(HMAC-SHA1(secret, username)). */
    static String restPassword(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    InetSocketAddress relayed() {
        return relayed;
    }

    /** Allocate, then a permission and channel {@link #CHANNEL} for {@code peer}. */
    CompletableFuture<Void> open(String user, String password, InetSocketAddress peer) {
        this.username = user;
        StunMessage probe = StunMessage.request(StunMethod.ALLOCATE,
                new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP),
                new StunAttribute.Lifetime(LIFETIME_SECONDS));
        return request(probe, false).thenCompose(r -> {
            if (r.messageClass() != StunClass.ERROR_RESPONSE || errorCode(r) != 401) {
                throw new IllegalStateException("expected a 401 challenge to Allocate, got " + r.describe() + " "
                        + errorCode(r));
            }
            realm = r.first(StunAttribute.Realm.class).orElseThrow().value();
            nonce = r.first(StunAttribute.Nonce.class).orElseThrow().value();
            key = LongTermKey.md5(user, realm, password);
            return signed(StunMethod.ALLOCATE, 1,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP),
                    new StunAttribute.Lifetime(LIFETIME_SECONDS));
        }).thenCompose(r -> {
            relayed = r.first(StunAttribute.XorRelayedAddress.class)
                    .orElseThrow(() -> new IllegalStateException("no XOR-RELAYED-ADDRESS")).address();
            return signed(StunMethod.CREATE_PERMISSION, 1, new StunAttribute.XorPeerAddress(peer));
        }).thenCompose(r -> signed(StunMethod.CHANNEL_BIND, 1, new StunAttribute.ChannelNumber(CHANNEL),
                new StunAttribute.XorPeerAddress(peer))).thenApply(r -> null);
    }

    /** Deletes the allocation (Refresh with LIFETIME 0); completes when answered. */
    CompletableFuture<Void> close() {
        if (relayed == null) {
            return CompletableFuture.completedFuture(null);
        }
        return signed(StunMethod.REFRESH, 1, new StunAttribute.Lifetime(0)).thenApply(r -> null);
    }

    /** Handles a datagram from the server if it is a STUN message; false if it is not one. */
    boolean onDatagram(ByteBuf content) {
        if (!StunCodec.looksLikeStun(content)) {
            return false;
        }
        StunMessage m;
        try {
            m = StunCodec.decode(content);
        } catch (StunParseException e) {
            return true;
        }
        Pending p = pending.remove(m.transactionId());
        if (p != null) {
            p.timer.cancel(false);
            p.result.complete(m);
        }
        return true;
    }

    /** Fails every request still waiting (the flow is closing). */
    void abandon() {
        for (Pending p : pending.values()) {
            p.timer.cancel(false);
            p.result.completeExceptionally(new IllegalStateException("closed"));
        }
        pending.clear();
    }

    /** A request with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY; a 438 is retried with the fresh nonce. */
    private CompletableFuture<StunMessage> signed(StunMethod method, int staleRetries, StunAttribute... attributes) {
        List<StunAttribute> list = new ArrayList<>(List.of(attributes));
        list.add(new StunAttribute.Username(username));
        list.add(new StunAttribute.Realm(realm));
        list.add(new StunAttribute.Nonce(nonce));
        StunMessage m = StunMessage.of(StunClass.REQUEST, method, TransactionId.random(),
                list.toArray(StunAttribute[]::new));
        return request(m, true).thenCompose(r -> {
            if (r.messageClass() == StunClass.SUCCESS_RESPONSE) {
                return CompletableFuture.completedFuture(r);
            }
            int code = errorCode(r);
            if (code == 438 && staleRetries > 0) {
                nonce = r.first(StunAttribute.Nonce.class).orElseThrow().value();
                return signed(method, staleRetries - 1, attributes);
            }
            throw new IllegalStateException(method.name() + " refused: " + code + " " + r.describe());
        });
    }

    private static int errorCode(StunMessage r) {
        return r.first(StunAttribute.ErrorCode.class).map(StunAttribute.ErrorCode::code).orElse(-1);
    }

    private CompletableFuture<StunMessage> request(StunMessage m, boolean sign) {
        Pending p = new Pending(m, sign ? Integrity.sha1(key) : null);
        pending.put(m.transactionId(), p);
        transmit(p, 0);
        return p.result;
    }

    private void transmit(Pending p, int attempt) {
        if (attempt >= TRIES) {
            pending.remove(p.message.transactionId());
            p.result.completeExceptionally(new IllegalStateException(
                    p.message.method().name() + " to " + server + ": no answer"
                            + (stream ? " over TCP in 10 s" : " after " + TRIES + " tries")));
            return;
        }
        ByteBuf out = StunCodec.encode(p.message, channel.alloc(), p.integrity, false);
        // Over TCP the message goes on the stream as it is (STUN messages are 4-byte aligned) and is not
        // retransmitted (RFC 8489 §6.2.2): the timer only bounds the wait, at 10 s.
        channel.writeAndFlush(stream ? out : new DatagramPacket(out, server), channel.voidPromise());
        p.timer = channel.eventLoop().schedule(() -> transmit(p, stream ? TRIES : attempt + 1),
                stream ? TimeUnit.SECONDS.toMillis(10) : RTO_MILLIS << attempt, TimeUnit.MILLISECONDS);
    }

    private static final class Pending {
        final StunMessage message;
        final Integrity integrity;
        final CompletableFuture<StunMessage> result = new CompletableFuture<>();
        ScheduledFuture<?> timer;

        Pending(StunMessage message, Integrity integrity) {
            this.message = message;
            this.integrity = integrity;
        }
    }
}
