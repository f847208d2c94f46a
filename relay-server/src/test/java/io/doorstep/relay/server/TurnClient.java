package io.doorstep.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.stun.ErrorCodes;
import io.doorstep.relay.stun.Integrity;
import io.doorstep.relay.stun.LongTermKey;
import io.doorstep.relay.stun.StunAttribute;
import io.doorstep.relay.stun.StunClass;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import io.doorstep.relay.stun.TransactionId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A TURN client session on one {@link StunClient}: learns REALM and NONCE from a 401 as RFC 8489 §9.2 clients
 * do, then signs every request with the long-term key (MESSAGE-INTEGRITY, and FINGERPRINT as browsers send it).
 */
public final class TurnClient implements AutoCloseable {
    private final StunClient io;
    private final String username;
    private final String password;
    private String realm;
    private String nonce;
    private byte[] key;

    public TurnClient(StunClient io, String username, String password) {
        this.io = io;
        this.username = username;
        this.password = password;
    }

    public StunClient io() {
        return io;
    }

    public String nonce() {
        return nonce;
    }

    public void nonce(String fresh) {
        this.nonce = fresh;
    }

    /** The long-term key of this session's credentials (known after the first challenge). */
    public byte[] key() {
        return key;
    }

    /** An unauthenticated Allocate, answered 401 with REALM and NONCE, which this session remembers. */
    public StunClient.Frame challenge() throws IOException {
        StunClient.Frame f = io.transact(StunClient.encode(StunMessage.request(StunMethod.ALLOCATE,
                new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP)), null, false));
        assertThat(errorCode(f)).as("answer to an unauthenticated Allocate").isEqualTo(ErrorCodes.UNAUTHENTICATED);
        learn(f.stun());
        return f;
    }

    private void learn(StunMessage answer) {
        realm = answer.first(StunAttribute.Realm.class).orElseThrow().value();
        nonce = answer.first(StunAttribute.Nonce.class).orElseThrow().value();
        key = LongTermKey.md5(username, realm, password);
    }

    /** A request with USERNAME, REALM and NONCE after {@code attributes}, with a fresh transaction ID. */
    public StunMessage request(StunMethod method, StunAttribute... attributes) throws IOException {
        if (nonce == null) {
            challenge();
        }
        List<StunAttribute> all = new ArrayList<>(List.of(attributes));
        all.add(new StunAttribute.Username(username));
        all.add(new StunAttribute.Realm(realm));
        all.add(new StunAttribute.Nonce(nonce));
        return new StunMessage(StunClass.REQUEST, method, TransactionId.random(), all);
    }

    /** Encoded with MESSAGE-INTEGRITY over this session's key, and FINGERPRINT. */
    public byte[] sign(StunMessage request) {
        return StunClient.encode(request, Integrity.sha1(key), true);
    }

    /** Sends a signed request and returns the answer; a 438 is retried once with the fresh NONCE it brings. */
    public StunClient.Frame call(StunMethod method, StunAttribute... attributes) throws IOException {
        StunClient.Frame f = io.transact(sign(request(method, attributes)));
        if (errorCode(f) == ErrorCodes.STALE_NONCE) {
            learn(f.stun());
            f = io.transact(sign(request(method, attributes)));
        }
        return f;
    }

    public StunClient.Frame allocate(StunAttribute... extra) throws IOException {
        List<StunAttribute> all = new ArrayList<>();
        all.add(new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP));
        all.addAll(List.of(extra));
        return call(StunMethod.ALLOCATE, all.toArray(StunAttribute[]::new));
    }

    /** Allocates and returns the relayed address, failing the test unless the relay says yes. */
    public InetSocketAddress allocateOk(StunAttribute... extra) throws IOException {
        StunClient.Frame f = ok(allocate(extra));
        return f.stun().first(StunAttribute.XorRelayedAddress.class).orElseThrow().address();
    }

    public void createPermission(InetSocketAddress... peers) throws IOException {
        List<StunAttribute> all = new ArrayList<>();
        for (InetSocketAddress p : peers) {
            all.add(new StunAttribute.XorPeerAddress(p));
        }
        ok(call(StunMethod.CREATE_PERMISSION, all.toArray(StunAttribute[]::new)));
    }

    public StunClient.Frame channelBind(int channel, InetSocketAddress peer) throws IOException {
        return call(StunMethod.CHANNEL_BIND, new StunAttribute.ChannelNumber(channel),
                new StunAttribute.XorPeerAddress(peer));
    }

    public void sendIndication(InetSocketAddress peer, byte[] data) throws IOException {
        io.send(StunMessage.of(StunClass.INDICATION, StunMethod.SEND, TransactionId.random(),
                new StunAttribute.XorPeerAddress(peer), new StunAttribute.Data(data)));
    }

    /** Asserts a success response signed with this session's key; returns it. */
    public StunClient.Frame ok(StunClient.Frame f) {
        assertThat(f.stun().messageClass()).as("answer %s", f).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(f.verifies(key)).as("MESSAGE-INTEGRITY of %s", f).isTrue();
        return f;
    }

    /** The ERROR-CODE of an error response, or 0 for any other message. */
    public static int errorCode(StunClient.Frame f) {
        StunMessage m = f.stun();
        return m.messageClass() == StunClass.ERROR_RESPONSE
                ? m.first(StunAttribute.ErrorCode.class).orElseThrow().code() : 0;
    }

    @Override
    public void close() throws IOException {
        io.close();
    }
}
