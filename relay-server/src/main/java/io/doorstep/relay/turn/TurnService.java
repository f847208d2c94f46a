package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ClientLink;
import io.doorstep.relay.auth.Credentials;
import io.doorstep.relay.auth.NonceManager;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.policy.PeerAddressPolicy;
import io.doorstep.relay.stun.AttributeType;
import io.doorstep.relay.stun.ChannelData;
import io.doorstep.relay.stun.ErrorCodes;
import io.doorstep.relay.stun.Integrity;
import io.doorstep.relay.stun.LongTermKey;
import io.doorstep.relay.stun.StunAttribute;
import io.doorstep.relay.stun.StunClass;
import io.doorstep.relay.stun.StunCodec;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STUN/TURN requests and indications of RFC 8489 and RFC 8656, one method per step, quoting the RFC's steps.
 * Runs on the event loop of the client's socket; answers through the client's {@link ClientLink}.
 */
public final class TurnService {
    private static final Logger log = LoggerFactory.getLogger(TurnService.class);

    private final TurnSettings settings;
    private final Credentials credentials;
    private final NonceManager nonces;
    private final PeerAddressPolicy policy;
    private final Allocator allocator;
    private final RelayMetrics metrics;

    public TurnService(TurnSettings settings, Credentials credentials, NonceManager nonces, PeerAddressPolicy policy,
                       Allocator allocator, RelayMetrics metrics) {
        this.settings = settings;
        this.credentials = credentials;
        this.nonces = nonces;
        this.policy = policy;
        this.allocator = allocator;
        this.metrics = metrics;
    }

    /** An error to answer with, and the attributes that go with it. */
    private static final class Refusal extends Exception {
        final int code;
        final List<StunAttribute> extra;

        Refusal(int code, StunAttribute... extra) {
            super(null, null, false, false);
            this.code = code;
            this.extra = List.of(extra);
        }
    }

    /** A request that passed authentication, with the key to sign the answer. */
    private record Authenticated(StunMessage request, String username, byte[] key) {
    }

    /** Handles one decoded STUN message; {@code raw} (still readable, not owned) is for the integrity check. */
    public void handle(StunMessage message, ByteBuf raw, ClientLink client, AllocationTable table) {
        if (message.messageClass() != StunClass.REQUEST) {
            return; // responses are not for a server; Send indications took the fast path, others are ignored
        }
        byte[] key = null; // responses are signed only once the request has proved its credentials
        try {
            if (!message.method().equals(StunMethod.BINDING)) {
                Authenticated auth = authenticate(message, raw, client); // RFC 8489 §9.2.4: first of all
                key = auth.key();
                rejectUnknownAttributes(message);
                dispatch(auth, client, table);
                return;
            }
            rejectUnknownAttributes(message);
            answer(client, message, message.successResponse(
                    new StunAttribute.XorMappedAddress(client.clientAddress())), null, "success");
        } catch (Refusal r) {
            log.debug("refused {} from {} with {}", message.method().name(), client.clientAddress(), r.code);
            answer(client, message, message.errorResponse(r.code, r.extra.toArray(StunAttribute[]::new)), key,
                    String.valueOf(r.code));
        }
    }

    private static void rejectUnknownAttributes(StunMessage message) throws Refusal {
        List<Integer> unknown = message.unknownComprehensionRequired();
        if (!unknown.isEmpty()) {
            throw new Refusal(ErrorCodes.UNKNOWN_ATTRIBUTE, new StunAttribute.UnknownAttributes(unknown));
        }
    }

    private void dispatch(Authenticated auth, ClientLink client, AllocationTable table) throws Refusal {
        StunMethod method = auth.request().method();
        Allocation existing = table.get(client.clientAddress());
        if (existing != null && !existing.username().equals(auth.username())) {
            // RFC 8656 §5: later requests on an allocation must use the credentials that made it.
            metrics.authFailure("wrong_credentials");
            throw new Refusal(ErrorCodes.WRONG_CREDENTIALS);
        }
        if (method.equals(StunMethod.ALLOCATE)) {
            allocate(auth, existing, client, table);
        } else if (existing == null) {
            throw new Refusal(ErrorCodes.ALLOCATION_MISMATCH); // §7.3, §9.2, §11.2: no allocation on this 5-tuple
        } else if (method.equals(StunMethod.REFRESH)) {
            refresh(auth, existing, client, table);
        } else if (method.equals(StunMethod.CREATE_PERMISSION)) {
            createPermission(auth, existing, client);
        } else if (method.equals(StunMethod.CHANNEL_BIND)) {
            channelBind(auth, existing, client);
        } else {
            throw new Refusal(ErrorCodes.BAD_REQUEST);
        }
    }

    // ------------------------------------------------------------------------------------------ authentication

    /** RFC 8489 §9.2.4: long-term credentials, checked in the RFC's order. */
    private Authenticated authenticate(StunMessage request, ByteBuf raw, ClientLink client) throws Refusal {
        boolean hasIntegrity = request.has(AttributeType.MESSAGE_INTEGRITY)
                || request.has(AttributeType.MESSAGE_INTEGRITY_SHA256);
        if (!hasIntegrity) { // step 1: no integrity → 401 with REALM and NONCE
            metrics.authFailure("missing");
            throw challenge(ErrorCodes.UNAUTHENTICATED, client);
        }
        Optional<String> username = request.first(StunAttribute.Username.class).map(StunAttribute.Username::value);
        Optional<String> realm = request.first(StunAttribute.Realm.class).map(StunAttribute.Realm::value);
        Optional<String> nonce = request.first(StunAttribute.Nonce.class).map(StunAttribute.Nonce::value);
        if (username.isEmpty() || realm.isEmpty() || nonce.isEmpty()) { // step 2: 400
            throw new Refusal(ErrorCodes.BAD_REQUEST);
        }
        if (nonces.check(nonce.get(), client.clientAddress().getAddress()) != NonceManager.Verdict.VALID) {
            metrics.authFailure("stale_nonce"); // step 3: 438 with a fresh NONCE
            throw challenge(ErrorCodes.STALE_NONCE, client);
        }
        Optional<String> password = settings.realm().equals(realm.get())
                ? credentials.password(username.get()) : Optional.empty();
        if (password.isEmpty()) { // step 4: unknown (or expired) user → 401
            metrics.authFailure(credentials.isExpiredRestUsername(username.get()) ? "expired_user" : "unknown_user");
            throw challenge(ErrorCodes.UNAUTHENTICATED, client);
        }
        byte[] key = LongTermKey.md5(username.get(), settings.realm(), password.get());
        if (!StunCodec.verifyIntegrity(raw, key)) { // step 5: wrong password → 401
            metrics.authFailure("bad_integrity");
            throw challenge(ErrorCodes.UNAUTHENTICATED, client);
        }
        return new Authenticated(request, username.get(), key);
    }

    private Refusal challenge(int code, ClientLink client) {
        return new Refusal(code, new StunAttribute.Realm(settings.realm()),
                new StunAttribute.Nonce(nonces.issue(client.clientAddress().getAddress())));
    }

    // ------------------------------------------------------------------------------------------ Allocate

    /** RFC 8656 §7.2: receiving an Allocate request. */
    private void allocate(Authenticated auth, Allocation existing, ClientLink client, AllocationTable table)
            throws Refusal {
        StunMessage req = auth.request();
        if (existing != null) { // step 2: the 5-tuple already has an allocation
            byte[] again = existing.responseTo(req.transactionId().toByteArray());
            if (again == null) {
                throw new Refusal(ErrorCodes.ALLOCATION_MISMATCH);
            }
            client.send(Unpooled.wrappedBuffer(again)); // a retransmission: the same answer, not a new allocation
            metrics.request(req.method().name(), "retransmission");
            return;
        }
        int transport = req.first(StunAttribute.RequestedTransport.class)
                .orElseThrow(() -> new Refusal(ErrorCodes.BAD_REQUEST)).protocol(); // step 3
        if (transport != StunAttribute.RequestedTransport.UDP) {
            throw new Refusal(ErrorCodes.UNSUPPORTED_TRANSPORT_PROTOCOL);
        }
        if (req.has(AttributeType.DONT_FRAGMENT)) { // step 4: we cannot set DF, so it counts as unknown
            throw new Refusal(ErrorCodes.UNKNOWN_ATTRIBUTE,
                    new StunAttribute.UnknownAttributes(List.of(AttributeType.DONT_FRAGMENT)));
        }
        Allocator.PortRequest port = portRequest(req);
        boolean ipv6 = wantsIpv6(req);
        long lifetime = settings.grantSeconds(req.first(StunAttribute.Lifetime.class)
                .map(StunAttribute.Lifetime::seconds).orElse(null));
        io.netty.util.concurrent.Promise<Allocator.Outcome> outcome = client.channel().eventLoop().newPromise();
        outcome.addListener(f -> allocated(auth, client, outcome.getNow(), lifetime));
        allocator.allocate(client, auth.username(), auth.key(), lifetime, port, ipv6, table, outcome);
    }

    /**
     * Steps 5–8: EVEN-PORT (with or without reserving the next port) and RESERVATION-TOKEN are honoured, and the
     * address family attributes checked (an additional IPv6 family is answered with ADDRESS-ERROR-CODE: no dual
     * allocations).
     */
    private static Allocator.PortRequest portRequest(StunMessage req) throws Refusal {
        boolean token = req.has(AttributeType.RESERVATION_TOKEN);
        boolean family = req.has(AttributeType.REQUESTED_ADDRESS_FAMILY);
        if (token && (req.has(AttributeType.EVEN_PORT) || family
                || req.has(AttributeType.ADDITIONAL_ADDRESS_FAMILY))) {
            throw new Refusal(ErrorCodes.BAD_REQUEST);
        }
        Optional<StunAttribute.AdditionalAddressFamily> additional =
                req.first(StunAttribute.AdditionalAddressFamily.class);
        if (additional.isPresent() && (family || additional.get().family() != StunAttribute.FAMILY_IPV6)) {
            throw new Refusal(ErrorCodes.BAD_REQUEST);
        }
        if (token) {
            return new Allocator.PortRequest.Reserved(req.first(StunAttribute.ReservationToken.class)
                    .orElseThrow().token());
        }
        return req.first(StunAttribute.EvenPort.class)
                .<Allocator.PortRequest>map(e -> new Allocator.PortRequest.Even(e.reserveNextPort()))
                .orElse(new Allocator.PortRequest.Any());
    }

    /** Step 7: REQUESTED-ADDRESS-FAMILY IPv6 where the relay has an IPv6 address; IPv4 otherwise, else 440. */
    private boolean wantsIpv6(StunMessage req) throws Refusal {
        int family = req.first(StunAttribute.RequestedAddressFamily.class)
                .map(StunAttribute.RequestedAddressFamily::family).orElse(StunAttribute.FAMILY_IPV4);
        if (family == StunAttribute.FAMILY_IPV4) {
            return false;
        }
        if (family != StunAttribute.FAMILY_IPV6 || !settings.ipv6()) {
            throw new Refusal(ErrorCodes.ADDRESS_FAMILY_NOT_SUPPORTED);
        }
        return true;
    }

    private void allocated(Authenticated auth, ClientLink client, Allocator.Outcome outcome, long lifetime) {
        StunMessage req = auth.request();
        if (outcome.allocation() == null) {
            int code = switch (outcome.failure()) {
                case USER_QUOTA -> ErrorCodes.ALLOCATION_QUOTA_REACHED;
                case CAPACITY, BAD_TOKEN -> ErrorCodes.INSUFFICIENT_CAPACITY; // §7.2 step 5: unknown token → 508
            };
            answer(client, req, req.errorResponse(code), auth.key(), String.valueOf(code));
            client.channel().flush();
            return;
        }
        Allocation a = outcome.allocation();
        log.info("allocation created user={} client={} relayed={} lifetime_s={}", auth.username(),
                client.clientAddress(), a.relayedAddress(), lifetime);
        List<StunAttribute> attributes = new ArrayList<>(List.of(new StunAttribute.XorRelayedAddress(a.relayedAddress()),
                new StunAttribute.Lifetime(lifetime), new StunAttribute.XorMappedAddress(client.clientAddress())));
        if (outcome.reservationToken() != null) {
            attributes.add(new StunAttribute.ReservationToken(outcome.reservationToken()));
        }
        if (req.has(AttributeType.ADDITIONAL_ADDRESS_FAMILY)) { // asked for IPv6 too: say why it is missing
            attributes.add(new StunAttribute.AddressErrorCode(StunAttribute.FAMILY_IPV6,
                    ErrorCodes.ADDRESS_FAMILY_NOT_SUPPORTED, "Address Family not Supported"));
        }
        ByteBuf response = encodeAnswer(req, req.successResponse(attributes.toArray(StunAttribute[]::new)),
                auth.key(), client, "success");
        a.createdBy(req.transactionId().toByteArray(), io.netty.buffer.ByteBufUtil.getBytes(response));
        client.send(response);
        client.channel().flush();
    }

    // ------------------------------------------------------------------------------------------ Refresh

    /** RFC 8656 §7.3: a lifetime of 0 deletes the allocation; otherwise it is extended. */
    private void refresh(Authenticated auth, Allocation allocation, ClientLink client, AllocationTable table)
            throws Refusal {
        StunMessage req = auth.request();
        Optional<StunAttribute.RequestedAddressFamily> family = req.first(StunAttribute.RequestedAddressFamily.class);
        if (family.isPresent() && family.get().family() != familyOf(allocation.relayedAddress())) {
            throw new Refusal(ErrorCodes.PEER_ADDRESS_FAMILY_MISMATCH);
        }
        Long requested = req.first(StunAttribute.Lifetime.class).map(StunAttribute.Lifetime::seconds).orElse(null);
        long lifetime;
        if (requested != null && requested == 0) {
            allocator.release(allocation, table, "deleted");
            lifetime = 0;
        } else {
            lifetime = settings.grantSeconds(requested);
            allocator.refresh(allocation, lifetime);
        }
        answer(client, req, req.successResponse(new StunAttribute.Lifetime(lifetime)), auth.key(), "success");
    }

    // ------------------------------------------------------------------------------------------ permissions

    /** RFC 8656 §9.2: every XOR-PEER-ADDRESS must be allowed, or none is installed. */
    private void createPermission(Authenticated auth, Allocation allocation, ClientLink client) throws Refusal {
        StunMessage req = auth.request();
        List<StunAttribute.XorPeerAddress> peers = req.all(StunAttribute.XorPeerAddress.class);
        if (peers.isEmpty()) {
            throw new Refusal(ErrorCodes.BAD_REQUEST);
        }
        for (StunAttribute.XorPeerAddress p : peers) {
            checkPeer(allocation, p.address());
        }
        long now = System.nanoTime();
        peers.forEach(p -> allocation.permit(p.address().getAddress(), now));
        answer(client, req, req.successResponse(), auth.key(), "success");
    }

    /** RFC 8656 §11.2: bind a channel number to a peer, or refresh the binding. */
    private void channelBind(Authenticated auth, Allocation allocation, ClientLink client) throws Refusal {
        StunMessage req = auth.request();
        int number = req.first(StunAttribute.ChannelNumber.class)
                .orElseThrow(() -> new Refusal(ErrorCodes.BAD_REQUEST)).number();
        InetSocketAddress peer = req.first(StunAttribute.XorPeerAddress.class)
                .orElseThrow(() -> new Refusal(ErrorCodes.BAD_REQUEST)).address();
        if (!ChannelData.isValidChannelNumber(number)) {
            throw new Refusal(ErrorCodes.BAD_REQUEST);
        }
        checkPeer(allocation, peer);
        if (!allocation.bind(number, peer, System.nanoTime())) {
            throw new Refusal(ErrorCodes.BAD_REQUEST); // number bound to another peer, or peer to another number
        }
        answer(client, req, req.successResponse(), auth.key(), "success");
    }

    private void checkPeer(Allocation allocation, InetSocketAddress peer) throws Refusal {
        if (familyOf(peer) != familyOf(allocation.relayedAddress())) {
            throw new Refusal(ErrorCodes.PEER_ADDRESS_FAMILY_MISMATCH);
        }
        if (!policy.permits(peer)) {
            metrics.dropped(RelayMetrics.Drop.POLICY);
            log.info("peer refused by policy client={} peer={}", allocation.client().clientAddress(), peer);
            throw new Refusal(ErrorCodes.FORBIDDEN);
        }
    }

    // ------------------------------------------------------------------------------------------ answers

    private void answer(ClientLink client, StunMessage request, StunMessage response, byte[] key, String outcome) {
        client.send(encodeAnswer(request, response, key, client, outcome));
    }

    private ByteBuf encodeAnswer(StunMessage request, StunMessage response, byte[] key, ClientLink client,
                                 String outcome) {
        StunMessage withSoftware = settings.software().isEmpty() ? response
                : append(response, new StunAttribute.Software(settings.software()));
        boolean fingerprint = request.has(AttributeType.FINGERPRINT);
        ByteBuf out = StunCodec.encode(withSoftware, client.channel().alloc(),
                key == null ? null : Integrity.matching(request, key), fingerprint);
        metrics.request(request.method().name(), outcome);
        return out;
    }

    private static StunMessage append(StunMessage m, StunAttribute a) {
        List<StunAttribute> list = new ArrayList<>(m.attributes());
        list.add(a);
        return new StunMessage(m.messageClass(), m.method(), m.transactionId(), list);
    }

    private static int familyOf(InetSocketAddress address) {
        return address.getAddress().getAddress().length == 4 ? StunAttribute.FAMILY_IPV4 : StunAttribute.FAMILY_IPV6;
    }
}
