package io.doorstep.relay.server;

import static io.doorstep.relay.server.StunClient.QUIET;
import static io.doorstep.relay.server.StunClient.WAIT;
import static io.doorstep.relay.server.TestRelay.ALICE;
import static io.doorstep.relay.server.TestRelay.ALICE_PASSWORD;
import static io.doorstep.relay.server.TestRelay.BOB;
import static io.doorstep.relay.server.TestRelay.BOB_PASSWORD;
import static io.doorstep.relay.server.TestRelay.LOOPBACK;
import static io.doorstep.relay.server.TurnClient.errorCode;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.doorstep.relay.server.StunClient.Frame;
import io.doorstep.relay.server.StunClient.Transport;
import io.doorstep.relay.stun.AttributeType;
import io.doorstep.relay.stun.ErrorCodes;
import io.doorstep.relay.stun.Integrity;
import io.doorstep.relay.stun.LongTermKey;
import io.doorstep.relay.stun.StunAttribute;
import io.doorstep.relay.stun.StunClass;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import io.doorstep.relay.stun.TransactionId;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay end to end, as clients and peers see it: a relay started in this JVM on loopback, a small STUN client
 * on real UDP, TCP and TLS sockets, and plain UDP sockets as peers. Every test starts its own relay, so counters
 * and quotas start at zero. RFC sections are RFC 8656 (TURN) unless said otherwise.
 */
@ExtendWith(LeakCheck.class)
class TurnServerTest {
    private static final Duration EVENTUALLY = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private TestRelay relay;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    @AfterEach
    void tearDown() {
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                // a test socket that would not close cleanly; the relay still must
            }
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** Starts this test's relay; {@code settings} are DOORSTEP_* name/value pairs over the test defaults. */
    private TestRelay relay(String... settings) {
        Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            overrides.put(settings[i], settings[i + 1]);
        }
        relay = TestRelay.start(dir, overrides);
        return relay;
    }

    private <T extends AutoCloseable> T open(T resource) {
        open.push(resource);
        return resource;
    }

    private TurnClient client(Transport transport, String user, String password) throws IOException {
        return open(new TurnClient(StunClient.open(transport, relay.address()), user, password));
    }

    private TurnClient alice(Transport transport) throws IOException {
        return client(transport, ALICE, ALICE_PASSWORD);
    }

    private TurnClient alice() throws IOException {
        return alice(Transport.UDP);
    }

    private UdpPeer peer() throws IOException {
        return open(new UdpPeer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static InetSocketAddress address(String ip, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private static long lifetime(Frame f) {
        return f.stun().first(StunAttribute.Lifetime.class).orElseThrow().seconds();
    }

    private static InetSocketAddress relayed(Frame f) {
        return f.stun().first(StunAttribute.XorRelayedAddress.class).orElseThrow().address();
    }

    /** Polls every 5 ms for up to 3 s: counters move within milliseconds on loopback. */
    private static ConditionFactory eventually() {
        return await().atMost(EVENTUALLY).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    private void awaitDropped(String reason, double count) {
        eventually().untilAsserted(() -> assertThat(relay.dropped(reason)).as("dropped{%s}", reason)
                .isEqualTo(count));
    }

    // ================================================================================================ Binding

    @Nested
    class Binding {
        @ParameterizedTest
        @EnumSource(Transport.class)
        void answersWithTheClientsOwnAddress(Transport transport) throws IOException {
            relay();
            StunClient c = open(StunClient.open(transport, relay.address()));
            StunMessage request = StunMessage.request(StunMethod.BINDING);

            Frame f = c.transact(StunClient.encode(request, null, true));

            StunMessage m = f.stun();
            assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.first(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                    .isEqualTo(c.localAddress());
            assertThat(f.fingerprintVerifies()).as("FINGERPRINT, as the request had one").isTrue();
            assertThat(m.has(AttributeType.MESSAGE_INTEGRITY)).as("Binding needs no credentials").isFalse();
            assertThat(m.first(StunAttribute.Software.class).map(StunAttribute.Software::value))
                    .contains("Doorstep relay");
            assertThat(relay.counter("doorstep.relay.requests", "method", "BINDING", "outcome", "success"))
                    .isEqualTo(1);
        }

        @Test
        void anUnknownComprehensionRequiredAttributeIs420ListingIt() throws IOException {
            relay();
            StunClient c = open(StunClient.udp(relay.address()));
            Frame f = c.transact(StunClient.encode(StunMessage.request(StunMethod.BINDING,
                    new StunAttribute.Unknown(0x7F01, new byte[4])), null, false));
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.UNKNOWN_ATTRIBUTE);
            assertThat(f.stun().first(StunAttribute.UnknownAttributes.class).orElseThrow().types())
                    .containsExactly(0x7F01);
        }
    }

    // ================================================================================================ auth

    /** RFC 8489 §9.2: long-term credentials, static users and TURN REST API users. */
    @Nested
    class Authentication {
        @Test
        void allocateWithoutCredentialsIsChallengedWithRealmAndNonce() throws IOException {
            relay();
            Frame f = alice().challenge(); // asserts 401

            StunMessage m = f.stun();
            assertThat(m.first(StunAttribute.Realm.class).orElseThrow().value()).isEqualTo(TestRelay.REALM);
            assertThat(m.first(StunAttribute.Nonce.class).orElseThrow().value()).isNotBlank();
            assertThat(m.has(AttributeType.MESSAGE_INTEGRITY)).as("nothing to sign a 401 with").isFalse();
            assertThat(relay.activeAllocations()).isZero();
            assertThat(relay.counter("doorstep.relay.auth.failures", "reason", "missing")).isEqualTo(1);
        }

        @Test
        void aWrongPasswordIs401WithAFreshChallenge() throws IOException {
            relay();
            TurnClient c = client(Transport.UDP, ALICE, "not-alices-password");

            Frame f = c.allocate();

            assertThat(errorCode(f)).isEqualTo(ErrorCodes.UNAUTHENTICATED);
            assertThat(f.stun().first(StunAttribute.Realm.class)).isPresent();
            assertThat(f.stun().first(StunAttribute.Nonce.class)).isPresent();
            assertThat(f.verifies(c.key())).isFalse();
            assertThat(relay.counter("doorstep.relay.auth.failures", "reason", "bad_integrity")).isEqualTo(1);
            assertThat(relay.activeAllocations()).isZero();
        }

        @Test
        void anUnknownUserIs401() throws IOException {
            relay();
            Frame f = client(Transport.UDP, "mallory", "guess").allocate();
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.UNAUTHENTICATED);
            assertThat(relay.counter("doorstep.relay.auth.failures", "reason", "unknown_user")).isEqualTo(1);
        }

        @Test
        void integrityWithoutNonceIs400() throws IOException {
            relay();
            TurnClient c = alice();
            c.challenge();
            StunMessage noNonce = StunMessage.request(StunMethod.ALLOCATE,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP),
                    new StunAttribute.Username(ALICE), new StunAttribute.Realm(TestRelay.REALM));
            Frame f = c.io().transact(c.sign(noNonce));
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.BAD_REQUEST);
        }

        @Test
        void aStaleNonceIs438WithANewNonceAndTheRetrySucceeds() throws Exception {
            relay("DOORSTEP_TURN_NONCE_LIFETIME", "1s");
            TurnClient c = alice();
            c.challenge();
            String first = c.nonce();
            Thread.sleep(1_200);
            StunAttribute udp = new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP);

            Frame stale = c.io().transact(c.sign(c.request(StunMethod.ALLOCATE, udp)));

            assertThat(errorCode(stale)).isEqualTo(ErrorCodes.STALE_NONCE);
            String fresh = stale.stun().first(StunAttribute.Nonce.class).orElseThrow().value();
            assertThat(fresh).isNotEqualTo(first);
            assertThat(stale.stun().first(StunAttribute.Realm.class)).isPresent();
            c.nonce(fresh);
            c.ok(c.io().transact(c.sign(c.request(StunMethod.ALLOCATE, udp))));
            assertThat(relay.counter("doorstep.relay.auth.failures", "reason", "stale_nonce")).isEqualTo(1);
            assertThat(relay.activeAllocations()).isEqualTo(1);
        }

        @Test
        void aNonceIsGoodOnlyForTheAddressItWasGivenTo() throws Exception {
            relay();
            TurnClient here = alice();
            here.challenge();
            TurnClient there = open(new TurnClient(StunClient.udp(relay.address(), InetAddress.getByName("127.0.0.2")),
                    ALICE, ALICE_PASSWORD));
            there.challenge();
            there.nonce(here.nonce()); // replayed from another host

            Frame f = there.io().transact(there.sign(there.request(StunMethod.ALLOCATE,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP))));

            assertThat(errorCode(f)).isIn(ErrorCodes.UNAUTHENTICATED, ErrorCodes.STALE_NONCE);
            assertThat(f.stun().first(StunAttribute.Nonce.class).orElseThrow().value()).isNotEqualTo(here.nonce());
            assertThat(relay.activeAllocations()).isZero();
        }

        @Test
        void aRestApiUsernameWorksUntilItExpires() throws IOException {
            relay();
            long now = System.currentTimeMillis() / 1000;
            String[] valid = TestRelay.restCredentials(now + 600, "station-0017");
            String[] expired = TestRelay.restCredentials(now - 5, "station-0017");

            client(Transport.UDP, valid[0], valid[1]).allocateOk();
            Frame f = client(Transport.UDP, expired[0], expired[1]).allocate();

            assertThat(errorCode(f)).isEqualTo(ErrorCodes.UNAUTHENTICATED);
            assertThat(relay.counter("doorstep.relay.auth.failures", "reason", "expired_user")).isEqualTo(1);
            assertThat(relay.activeAllocations()).isEqualTo(1);
        }

        @Test
        void aRestApiPasswordMadeWithAnotherSecretIs401() throws IOException {
            relay();
            String username = (System.currentTimeMillis() / 1000 + 600) + ":station-0017";
            Frame f = client(Transport.UDP, username, "d3JvbmcgcGFzc3dvcmQ=").allocate();
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.UNAUTHENTICATED);
        }

        @Test
        void messageIntegritySha256IsAcceptedAndAnsweredInKind() throws IOException {
            relay();
            TurnClient c = alice();
            c.challenge();
            StunMessage request = c.request(StunMethod.ALLOCATE,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP));

            Frame f = c.io().transact(StunClient.encode(request, Integrity.sha256(c.key()), false));

            assertThat(f.stun().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(f.stun().has(AttributeType.MESSAGE_INTEGRITY_SHA256)).isTrue();
            assertThat(f.verifies(c.key())).isTrue();
        }

        /**
         * RFC 8489 §6.3: "Once the authentication checks are done, the STUN agent checks for unknown attributes";
         * and §9.2.4: a response to a request that failed authentication carries no MESSAGE-INTEGRITY. A request
         * naming alice but signed with a wrong key must not get a 420 signed with alice's key (an HMAC oracle for
         * any user name, and a way to learn which user names exist).
         */
        @Test
        void anUnauthenticatedRequestIsNotAnsweredWithAResponseSignedWithTheNamedUsersKey() throws IOException {
            relay();
            TurnClient c = alice();
            c.challenge();
            StunMessage forged = c.request(StunMethod.ALLOCATE,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP),
                    new StunAttribute.Unknown(0x7F01, new byte[4]));

            Frame f = c.io().transact(StunClient.encode(forged,
                    Integrity.sha1(LongTermKey.md5(ALICE, TestRelay.REALM, "a guess")), false));

            assertThat(f.verifies(c.key())).as("%s signed with alice's real key", f).isFalse();
            assertThat(f.stun().has(AttributeType.MESSAGE_INTEGRITY)).isFalse();
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.UNAUTHENTICATED);
        }

        /** RFC 8489 §9.2.4: the 400 for a signed request without NONCE "cannot contain" MESSAGE-INTEGRITY. */
        @Test
        void the400ForMissingNonceIsNotSigned() throws IOException {
            relay();
            TurnClient c = alice();
            c.challenge();
            StunMessage noNonce = StunMessage.request(StunMethod.ALLOCATE,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP),
                    new StunAttribute.Username(ALICE), new StunAttribute.Realm(TestRelay.REALM));

            Frame f = c.io().transact(StunClient.encode(noNonce,
                    Integrity.sha1(LongTermKey.md5(ALICE, TestRelay.REALM, "a guess")), false));

            assertThat(errorCode(f)).isEqualTo(ErrorCodes.BAD_REQUEST);
            assertThat(f.verifies(c.key())).as("signed with alice's real key").isFalse();
            assertThat(f.stun().has(AttributeType.MESSAGE_INTEGRITY)).isFalse();
        }
    }

    // ================================================================================================ Allocate

    /** RFC 8656 §7.2. */
    @Nested
    class Allocate {
        @ParameterizedTest
        @EnumSource(Transport.class)
        void succeedsWithTheExternalRelayedAddressLifetimeAndMappedAddress(Transport transport) throws IOException {
            relay("DOORSTEP_TURN_EXTERNAL_ADDRESS", "198.51.100.7");
            TurnClient c = alice(transport);

            Frame f = c.ok(c.allocate());

            InetSocketAddress relayed = relayed(f);
            assertThat(relayed.getAddress()).isEqualTo(InetAddress.getByName("198.51.100.7"));
            assertThat(relayed.getPort()).isBetween(49152, 65535);
            assertThat(lifetime(f)).isEqualTo(600);
            assertThat(f.stun().first(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                    .isEqualTo(c.io().localAddress());
            assertThat(f.verifies(LongTermKey.md5(ALICE, TestRelay.REALM, "another password"))).isFalse();
            assertThat(f.fingerprintVerifies()).isTrue();
            assertThat(Ports.udpFree(relayed.getPort())).as("relay socket bound on the relay address").isFalse();
            assertThat(relay.activeAllocations()).isEqualTo(1);
            assertThat(relay.counter("doorstep.relay.allocations.opened")).isEqualTo(1);
        }

        @Test
        void aRetransmissionGetsTheIdenticalAnswerAndMakesNoSecondAllocation() throws IOException {
            relay("DOORSTEP_METRICS_PORT", TestRelay.FREE_TCP_PORT);
            TurnClient c = alice();
            c.challenge();
            byte[] request = c.sign(c.request(StunMethod.ALLOCATE,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP)));

            Frame first = c.ok(c.io().transact(request));
            Frame again = c.io().transact(request);

            assertThat(again.raw()).isEqualTo(first.raw());
            assertThat(relay.http("/metrics", null).body())
                    .containsPattern("(?m)^doorstep_relay_allocations_active(\\{[^}]*\\})? 1\\.0$");
            assertThat(relay.counter("doorstep.relay.allocations.opened")).isEqualTo(1);
            assertThat(relay.counter("doorstep.relay.requests", "method", "ALLOCATE", "outcome", "retransmission"))
                    .isEqualTo(1);
        }

        @Test
        void retransmissionsSentBeforeTheFirstAnswerMakeOneAllocation() throws IOException {
            relay();
            TurnClient c = alice();
            c.challenge();
            byte[] request = c.sign(c.request(StunMethod.ALLOCATE,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP)));
            TransactionId tid = StunClient.transactionId(request);

            for (int i = 0; i < 3; i++) {
                c.io().sendRaw(request);
            }
            List<Frame> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(c.io().awaitResponse(tid, WAIT));
            }

            assertThat(answers).allSatisfy(a -> assertThat(a.raw()).isEqualTo(answers.get(0).raw()));
            c.ok(answers.get(0));
            assertThat(relay.activeAllocations()).isEqualTo(1);
            assertThat(relay.counter("doorstep.relay.allocations.opened")).isEqualTo(1);
        }

        @ParameterizedTest
        @EnumSource(Transport.class)
        void aSecondAllocateOnTheSameFiveTupleIs437(Transport transport) throws IOException {
            relay();
            TurnClient c = alice(transport);
            c.allocateOk();

            Frame f = c.allocate();

            assertThat(errorCode(f)).isEqualTo(ErrorCodes.ALLOCATION_MISMATCH);
            assertThat(f.verifies(c.key())).as("errors after authentication are signed").isTrue();
            assertThat(relay.activeAllocations()).isEqualTo(1);
        }

        static Stream<Arguments> refusals() {
            StunAttribute udp = new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP);
            return Stream.of(
                    Arguments.of("REQUESTED-TRANSPORT TCP", List.of(
                            new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.TCP)),
                            ErrorCodes.UNSUPPORTED_TRANSPORT_PROTOCOL),
                    Arguments.of("no REQUESTED-TRANSPORT", List.of(), ErrorCodes.BAD_REQUEST),
                    Arguments.of("REQUESTED-ADDRESS-FAMILY IPv6", List.of(udp,
                            new StunAttribute.RequestedAddressFamily(StunAttribute.FAMILY_IPV6)),
                            ErrorCodes.ADDRESS_FAMILY_NOT_SUPPORTED),
                    Arguments.of("DONT-FRAGMENT", List.of(udp, new StunAttribute.DontFragment()),
                            ErrorCodes.UNKNOWN_ATTRIBUTE),
                    Arguments.of("RESERVATION-TOKEN with EVEN-PORT", List.of(udp, new StunAttribute.EvenPort(false),
                            new StunAttribute.ReservationToken(new byte[8])), ErrorCodes.BAD_REQUEST),
                    Arguments.of("a comprehension-required attribute nobody knows", List.of(udp,
                            new StunAttribute.Unknown(0x7F01, new byte[4])), ErrorCodes.UNKNOWN_ATTRIBUTE));
        }

        @ParameterizedTest(name = "{0} -> {2}")
        @MethodSource("refusals")
        void isRefused(String what, List<StunAttribute> attributes, int code) throws IOException {
            relay();
            TurnClient c = alice();

            Frame f = c.call(StunMethod.ALLOCATE, attributes.toArray(StunAttribute[]::new));

            assertThat(errorCode(f)).isEqualTo(code);
            assertThat(f.verifies(c.key())).isTrue();
            assertThat(relay.activeAllocations()).isZero();
            if (code == ErrorCodes.UNKNOWN_ATTRIBUTE) {
                int type = attributes.get(1).type();
                assertThat(f.stun().first(StunAttribute.UnknownAttributes.class).orElseThrow().types())
                        .containsExactly(type);
            }
            c.allocateOk(); // the refusal left nothing behind on the 5-tuple
        }

        /** RFC 8656 §7.2 step 7: the IPv4 relay is made, and ADDRESS-ERROR-CODE says why there is no IPv6 one. */
        @Test
        void anAdditionalIpv6FamilyGetsAnIpv4RelayAndAnAddressErrorCode() throws IOException {
            relay();
            TurnClient c = alice();
            Frame f = c.ok(c.allocate(new StunAttribute.AdditionalAddressFamily(StunAttribute.FAMILY_IPV6)));

            assertThat(relayed(f).getAddress().getAddress()).hasSize(4);
            StunAttribute.AddressErrorCode why = f.stun().first(StunAttribute.AddressErrorCode.class).orElseThrow();
            assertThat(why.family()).isEqualTo(StunAttribute.FAMILY_IPV6);
            assertThat(why.code()).isEqualTo(ErrorCodes.ADDRESS_FAMILY_NOT_SUPPORTED);
        }

        @Test
        void evenPortGivesAnEvenRelayedPort() throws IOException {
            relay();
            for (int i = 0; i < 6; i++) { // a relay ignoring EVEN-PORT passes six times in 64
                InetSocketAddress relayed = alice().allocateOk(new StunAttribute.EvenPort(false));
                assertThat(relayed.getPort() % 2).as("port %d", relayed.getPort()).isZero();
            }
        }

        @Test
        void evenPortWithReserveGivesATokenForTheNextPort() throws IOException {
            relay();
            TurnClient rtp = alice();
            Frame first = rtp.ok(rtp.allocate(new StunAttribute.EvenPort(true)));
            int port = relayed(first).getPort();
            byte[] token = first.stun().first(StunAttribute.ReservationToken.class).orElseThrow().token();
            assertThat(port % 2).isZero();

            TurnClient rtcp = alice(); // another client (5-tuple) of the same user, as RTCP beside RTP
            Frame second = rtcp.ok(rtcp.allocate(new StunAttribute.ReservationToken(token)));

            assertThat(relayed(second).getPort()).isEqualTo(port + 1);
            assertThat(second.stun().first(StunAttribute.ReservationToken.class)).isEmpty();
            Frame reused = alice().allocate(new StunAttribute.ReservationToken(token));
            assertThat(errorCode(reused)).as("a token is good once").isEqualTo(ErrorCodes.INSUFFICIENT_CAPACITY);
        }

        @Test
        void aReservedPortIsKeptForItsTokenOnly() throws IOException {
            int even = Ports.freeUdpPortPair();
            relay("DOORSTEP_TURN_RELAY_PORT_MIN", String.valueOf(even),
                    "DOORSTEP_TURN_RELAY_PORT_MAX", String.valueOf(even + 1));
            TurnClient rtp = alice();
            Frame first = rtp.ok(rtp.allocate(new StunAttribute.EvenPort(true)));
            byte[] token = first.stun().first(StunAttribute.ReservationToken.class).orElseThrow().token();
            assertThat(relayed(first).getPort()).isEqualTo(even);

            assertThat(errorCode(alice().allocate())).as("the odd port is reserved, not free")
                    .isEqualTo(ErrorCodes.INSUFFICIENT_CAPACITY);
            assertThat(alice().allocateOk(new StunAttribute.ReservationToken(token)).getPort()).isEqualTo(even + 1);
        }

        @Test
        void aReservedPortStaysBoundUntilItsTokenClaimsIt() throws IOException {
            relay();
            TurnClient rtp = alice();
            Frame first = rtp.ok(rtp.allocate(new StunAttribute.EvenPort(true)));
            byte[] token = first.stun().first(StunAttribute.ReservationToken.class).orElseThrow().token();
            int reserved = relayed(first).getPort() + 1;

            assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(LOOPBACK, reserved)).close())
                    .as("no other socket of the machine can take the reserved port")
                    .isInstanceOf(java.net.BindException.class);
            assertThat(alice().allocateOk(new StunAttribute.ReservationToken(token)).getPort()).isEqualTo(reserved);
        }

        @Test
        void aBogusReservationTokenIs508() throws IOException {
            relay();
            Frame f = alice().allocate(new StunAttribute.ReservationToken(bytes("12345678")));
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.INSUFFICIENT_CAPACITY);
            assertThat(relay.activeAllocations()).isZero();
        }

        /**
         * RFC 8656 §7.2 step 5: with EVEN-PORT the relayed port must be even, else 508. Here the only even port of
         * the range is held by another process, so the answer must be 508, not the odd port.
         */
        @Test
        void evenPortIsNeverAnsweredWithAnOddPort() throws IOException {
            int even = Ports.freeUdpPortPair();
            try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(LOOPBACK, even))) {
                relay("DOORSTEP_TURN_RELAY_PORT_MIN", String.valueOf(even),
                        "DOORSTEP_TURN_RELAY_PORT_MAX", String.valueOf(even + 1));

                Frame f = alice().allocate(new StunAttribute.EvenPort(false));
                assertThat(squatter.getLocalPort()).isEqualTo(even);

                if (errorCode(f) == 0) {
                    assertThat(relayed(f).getPort() % 2).as("relayed port %d", relayed(f).getPort()).isZero();
                } else {
                    assertThat(errorCode(f)).isEqualTo(ErrorCodes.INSUFFICIENT_CAPACITY);
                }
            }
        }

        @Test
        void theUserQuotaIs486AndFreesUpWhenAnAllocationEnds() throws IOException {
            relay("DOORSTEP_QUOTAS_ALLOCATIONS_PER_USER", "2");
            TurnClient first = alice();
            first.allocateOk();
            alice().allocateOk();

            TurnClient third = alice();
            Frame f = third.allocate();

            assertThat(errorCode(f)).isEqualTo(ErrorCodes.ALLOCATION_QUOTA_REACHED);
            assertThat(f.verifies(third.key())).isTrue();
            client(Transport.UDP, BOB, BOB_PASSWORD).allocateOk(); // other users are not affected
            first.ok(first.call(StunMethod.REFRESH, new StunAttribute.Lifetime(0)));
            third.allocateOk();
            assertThat(relay.activeAllocations()).isEqualTo(3);
        }

        @Test
        void theTotalQuotaIs508() throws IOException {
            relay("DOORSTEP_QUOTAS_ALLOCATIONS_TOTAL", "2");
            alice().allocateOk();
            client(Transport.UDP, BOB, BOB_PASSWORD).allocateOk();

            Frame f = alice().allocate();

            assertThat(errorCode(f)).isEqualTo(ErrorCodes.INSUFFICIENT_CAPACITY);
            assertThat(relay.activeAllocations()).isEqualTo(2);
        }

        @Test
        void anExhaustedPortRangeIs508() throws IOException {
            int port = Ports.freeUdpPortPair();
            relay("DOORSTEP_TURN_RELAY_PORT_MIN", String.valueOf(port),
                    "DOORSTEP_TURN_RELAY_PORT_MAX", String.valueOf(port));
            TurnClient first = alice();
            assertThat(first.allocateOk().getPort()).isEqualTo(port);

            assertThat(errorCode(alice().allocate())).isEqualTo(ErrorCodes.INSUFFICIENT_CAPACITY);

            first.ok(first.call(StunMethod.REFRESH, new StunAttribute.Lifetime(0)));
            assertThat(alice().allocateOk().getPort()).as("the port came back").isEqualTo(port);
        }

        @Test
        void anAllocationExpiresAtTheEndOfItsLifetime() throws IOException {
            relay("DOORSTEP_TURN_DEFAULT_LIFETIME", "1s", "DOORSTEP_TURN_MAX_LIFETIME", "1s");
            TurnClient c = alice();
            Frame f = c.ok(c.allocate());
            assertThat(lifetime(f)).isEqualTo(1);

            eventually().until(() -> relay.activeAllocations() == 0);

            assertThat(relay.counter("doorstep.relay.allocations.ended", "reason", "expired")).isEqualTo(1);
            assertThat(errorCode(c.call(StunMethod.REFRESH))).isEqualTo(ErrorCodes.ALLOCATION_MISMATCH);
            assertThat(Ports.udpFree(relayed(f).getPort())).as("relay socket closed").isTrue();
        }
    }

    // ================================================================================================ Refresh

    /** RFC 8656 §7.3 and §8. */
    @Nested
    class Refresh {
        @Test
        void lifetimeZeroDeletesTheAllocation() throws IOException {
            relay();
            TurnClient c = alice();
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer peer = peer();
            c.createPermission(peer.address());
            peer.send(relayed, bytes("while it lives"));
            assertThat(c.io().receive(WAIT)).as("relaying works before the delete").isNotNull();

            Frame f = c.ok(c.call(StunMethod.REFRESH, new StunAttribute.Lifetime(0)));

            assertThat(lifetime(f)).isZero();
            assertThat(relay.activeAllocations()).isZero();
            assertThat(relay.counter("doorstep.relay.allocations.ended", "reason", "deleted")).isEqualTo(1);
            peer.send(relayed, bytes("after the delete"));
            assertThat(c.io().receive(QUIET)).as("the relayed port no longer relays").isNull();
            c.sendIndication(peer.address(), bytes("to a deleted allocation"));
            awaitDropped("no_allocation", 1);
            assertThat(peer.receive(QUIET)).isNull();
            assertThat(errorCode(c.call(StunMethod.REFRESH))).isEqualTo(ErrorCodes.ALLOCATION_MISMATCH);
            assertThat(errorCode(c.call(StunMethod.CREATE_PERMISSION,
                    new StunAttribute.XorPeerAddress(peer.address())))).isEqualTo(ErrorCodes.ALLOCATION_MISMATCH);
            assertThat(c.allocateOk()).as("the 5-tuple is free for a new allocation").isNotNull();
            assertThat(relay.activeAllocations()).isEqualTo(1);
        }

        @Test
        void theLifetimeGrantedIsKeptBetweenTheDefaultAndTheMaximum() throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk(new StunAttribute.Lifetime(30));
            assertThat(lifetime(c.ok(c.call(StunMethod.REFRESH, new StunAttribute.Lifetime(1200))))).isEqualTo(1200);
            assertThat(lifetime(c.ok(c.call(StunMethod.REFRESH, new StunAttribute.Lifetime(99_999))))).isEqualTo(3600);
            assertThat(lifetime(c.ok(c.call(StunMethod.REFRESH, new StunAttribute.Lifetime(10))))).isEqualTo(600);
            assertThat(lifetime(c.ok(c.call(StunMethod.REFRESH)))).isEqualTo(600);
            assertThat(relay.activeAllocations()).isEqualTo(1);
        }

        @Test
        void refreshAskingForAnotherAddressFamilyIs443() throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk();
            Frame f = c.call(StunMethod.REFRESH, new StunAttribute.RequestedAddressFamily(StunAttribute.FAMILY_IPV6));
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.PEER_ADDRESS_FAMILY_MISMATCH);
            assertThat(relay.activeAllocations()).isEqualTo(1);
        }

        @Test
        void refreshWithoutAnAllocationIs437() throws IOException {
            relay();
            TurnClient c = alice();
            Frame f = c.call(StunMethod.REFRESH, new StunAttribute.Lifetime(600));
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.ALLOCATION_MISMATCH);
            assertThat(f.verifies(c.key())).isTrue();
        }

        /** RFC 8656 §5: requests on an allocation must use the credentials that made it. */
        @Test
        void anotherUserOnTheSameFiveTupleIs441() throws Exception {
            relay();
            TurnClient alice = alice();
            alice.allocateOk();
            TurnClient bob = new TurnClient(alice.io(), BOB, BOB_PASSWORD); // same socket, same 5-tuple

            Frame f = bob.call(StunMethod.REFRESH, new StunAttribute.Lifetime(0));

            assertThat(errorCode(f)).isEqualTo(ErrorCodes.WRONG_CREDENTIALS);
            assertThat(errorCode(bob.call(StunMethod.CREATE_PERMISSION,
                    new StunAttribute.XorPeerAddress(address("127.0.0.1", 9))))).isEqualTo(ErrorCodes.WRONG_CREDENTIALS);
            assertThat(relay.activeAllocations()).as("alice's allocation is untouched").isEqualTo(1);
            alice.ok(alice.call(StunMethod.REFRESH));
        }
    }

    // ================================================================================================ permissions

    /** RFC 8656 §9 and the relay's peer address policy. */
    @Nested
    class Permissions {
        @Test
        void theDefaultPolicyRefusesPrivatePeersWith403() throws IOException {
            relay("DOORSTEP_POLICY_ALLOW", "");
            TurnClient c = alice();
            c.allocateOk();
            List<String> refused = List.of("127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.1.20", "100.64.0.1",
                    "169.254.169.254", "0.0.0.0", "224.0.0.1");

            for (String ip : refused) {
                Frame f = c.call(StunMethod.CREATE_PERMISSION, new StunAttribute.XorPeerAddress(address(ip, 5000)));
                assertThat(errorCode(f)).as("peer %s", ip).isEqualTo(ErrorCodes.FORBIDDEN);
                assertThat(f.verifies(c.key())).isTrue();
            }
            c.createPermission(address("198.51.100.20", 5000)); // a public address is fine

            assertThat(relay.dropped("policy")).isEqualTo(refused.size());
        }

        /**
         * Two parties that can only use relay candidates (symmetric NAT, UDP-hostile networks) both allocate on the
         * same relay; each then needs a permission for the other's relayed address, which is this relay's own
         * external address. Refusing every port of the own address (policy "own addresses") keeps such calls from
         * ever connecting; refusing only ports outside the relay range keeps the protection (no reaching other
         * services on the host) without that. Here with the production default policy (no allow list).
         */
        @Test
        void aClientMayReachAnotherClientsRelayedAddressOnThisRelay() throws IOException {
            relay("DOORSTEP_POLICY_ALLOW", "", "DOORSTEP_TURN_EXTERNAL_ADDRESS", "198.51.100.7");
            TurnClient station = alice();
            TurnClient agent = client(Transport.UDP, BOB, BOB_PASSWORD);
            InetSocketAddress stationRelayed = station.allocateOk();
            InetSocketAddress agentRelayed = agent.allocateOk();

            Frame toAgent = station.call(StunMethod.CREATE_PERMISSION, new StunAttribute.XorPeerAddress(agentRelayed));
            Frame toStation = agent.call(StunMethod.CHANNEL_BIND, new StunAttribute.ChannelNumber(0x4000),
                    new StunAttribute.XorPeerAddress(stationRelayed));
            Frame toSsh = station.call(StunMethod.CREATE_PERMISSION,
                    new StunAttribute.XorPeerAddress(address("198.51.100.7", 22)));

            assertThat(errorCode(toAgent)).as("permission for the agent's relayed address").isZero();
            assertThat(errorCode(toStation)).as("channel to the station's relayed address").isZero();
            assertThat(errorCode(toSsh)).as("another port of the relay host").isEqualTo(ErrorCodes.FORBIDDEN);
        }

        @Test
        void anAllowedLoopbackPeerGetsAPermission() throws IOException {
            relay(); // allows 127.0.0.0/8
            TurnClient c = alice();
            c.allocateOk();
            c.createPermission(address("127.0.0.1", 5000));
        }

        @Test
        void anExplicitDenyWinsOverAllow() throws IOException {
            relay("DOORSTEP_POLICY_DENY", "127.0.0.2/32");
            TurnClient c = alice();
            c.allocateOk();
            Frame f = c.call(StunMethod.CREATE_PERMISSION, new StunAttribute.XorPeerAddress(address("127.0.0.2", 1)));
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.FORBIDDEN);
        }

        /** RFC 8656 §9.2: if any peer address is refused, no permission of the request is installed. */
        @Test
        void oneRefusedPeerFailsTheWholeRequest() throws IOException {
            relay("DOORSTEP_POLICY_DENY", "127.0.0.2/32");
            TurnClient c = alice();
            c.allocateOk();
            UdpPeer peer = peer();

            Frame f = c.call(StunMethod.CREATE_PERMISSION, new StunAttribute.XorPeerAddress(peer.address()),
                    new StunAttribute.XorPeerAddress(address("127.0.0.2", 1)));

            assertThat(errorCode(f)).isEqualTo(ErrorCodes.FORBIDDEN);
            c.sendIndication(peer.address(), bytes("no permission was installed"));
            awaitDropped("no_permission", 1);
            assertThat(peer.receive(QUIET)).isNull();
        }

        @Test
        void anIpv6PeerOnAnIpv4AllocationIs443() throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk();
            Frame f = c.call(StunMethod.CREATE_PERMISSION,
                    new StunAttribute.XorPeerAddress(address("2001:db8::1", 5000)));
            assertThat(errorCode(f)).isEqualTo(ErrorCodes.PEER_ADDRESS_FAMILY_MISMATCH);
        }

        @Test
        void createPermissionWithoutAPeerIs400() throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk();
            assertThat(errorCode(c.call(StunMethod.CREATE_PERMISSION))).isEqualTo(ErrorCodes.BAD_REQUEST);
        }
    }

    // ================================================================================================ channels

    /** RFC 8656 §11. */
    @Nested
    class Channels {
        @ParameterizedTest(name = "0x{0}")
        @ValueSource(ints = {0x0000, 0x3FFF, 0x8000, 0xFFFF})
        void aChannelNumberOutOfRangeIs400(int number) throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk();
            assertThat(errorCode(c.channelBind(number, address("127.0.0.1", 5000)))).isEqualTo(ErrorCodes.BAD_REQUEST);
        }

        @ParameterizedTest(name = "0x{0}")
        @ValueSource(ints = {0x4000, 0x4FFF, 0x7FFF})
        void channelNumbersInRangeBind(int number) throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk();
            c.ok(c.channelBind(number, address("127.0.0.1", 5000)));
        }

        @Test
        void aNumberStaysWithItsPeerAndAPeerWithItsNumber() throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk();
            InetSocketAddress a = address("127.0.0.1", 5000);
            InetSocketAddress b = address("127.0.0.1", 5002);
            c.ok(c.channelBind(0x4000, a));

            assertThat(errorCode(c.channelBind(0x4000, b))).as("number to another peer").isEqualTo(400);
            assertThat(errorCode(c.channelBind(0x4001, a))).as("peer to a second number").isEqualTo(400);
            c.ok(c.channelBind(0x4000, a)); // a refresh of the same binding
            c.ok(c.channelBind(0x4001, b));
        }

        @Test
        void channelBindWithoutAnAllocationIs437AndWithoutANumberIs400() throws IOException {
            relay();
            TurnClient c = alice();
            assertThat(errorCode(c.channelBind(0x4000, address("127.0.0.1", 5000))))
                    .isEqualTo(ErrorCodes.ALLOCATION_MISMATCH);
            c.allocateOk();
            assertThat(errorCode(c.call(StunMethod.CHANNEL_BIND,
                    new StunAttribute.XorPeerAddress(address("127.0.0.1", 5000))))).isEqualTo(ErrorCodes.BAD_REQUEST);
        }

        @Test
        void aPolicyRefusedPeerCannotBeBound() throws IOException {
            relay("DOORSTEP_POLICY_ALLOW", "");
            TurnClient c = alice();
            c.allocateOk();
            assertThat(errorCode(c.channelBind(0x4000, address("10.0.0.1", 5000)))).isEqualTo(ErrorCodes.FORBIDDEN);
        }
    }

    // ================================================================================================ relaying

    /** RFC 8656 §11 and §12: Send and Data indications, ChannelData, both directions, both transports. */
    @Nested
    class Relaying {
        @ParameterizedTest
        @EnumSource(Transport.class)
        void clientDataReachesAPeerOnlyOnceAPermissionExists(Transport transport) throws IOException {
            relay();
            TurnClient c = alice(transport);
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer peer = peer();

            c.sendIndication(peer.address(), bytes("before any permission"));
            awaitDropped("no_permission", 1);
            c.io().sendChannelData(0x4001, bytes("before any channel"));
            awaitDropped("no_channel", 1);
            assertThat(peer.receive(QUIET)).isNull();

            c.createPermission(peer.address());
            c.sendIndication(peer.address(), bytes("via Send"));
            UdpPeer.Datagram viaSend = peer.receive(WAIT);
            c.ok(c.channelBind(0x4001, peer.address()));
            c.io().sendChannelData(0x4001, bytes("via-C")); // 5 bytes: padded to 8 on TCP
            UdpPeer.Datagram viaChannel = peer.receive(WAIT);

            assertThat(viaSend).isNotNull();
            assertThat(new String(viaSend.data(), UTF_8)).isEqualTo("via Send");
            assertThat(viaSend.sender()).as("sent from the relayed address").isEqualTo(relayed);
            assertThat(viaChannel).isNotNull();
            assertThat(new String(viaChannel.data(), UTF_8)).as("no padding reaches the peer").isEqualTo("via-C");
            assertThat(viaChannel.sender()).isEqualTo(relayed);
            assertThat(relay.counter("doorstep.relay.packets", "direction", "to_peer")).isEqualTo(2);
            assertThat(relay.counter("doorstep.relay.bytes", "direction", "to_peer")).isEqualTo(8 + 5);
            assertThat(relay.counter("doorstep.relay.packets.by.framing", "framing", "indication")).isEqualTo(1);
            assertThat(relay.counter("doorstep.relay.packets.by.framing", "framing", "channel_data")).isEqualTo(1);
        }

        @ParameterizedTest
        @EnumSource(Transport.class)
        void peerDataArrivesAsADataIndicationThenAsChannelDataOnceBound(Transport transport) throws IOException {
            relay();
            TurnClient c = alice(transport);
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer peer = peer();
            c.createPermission(peer.address());

            peer.send(relayed, bytes("as an indication"));
            Frame indication = c.io().receive(WAIT);
            c.ok(c.channelBind(0x4ABC, peer.address()));
            peer.send(relayed, bytes("as-CD")); // 5 bytes
            Frame channelData = c.io().receive(WAIT);

            assertThat(indication).isNotNull();
            StunMessage m = indication.stun();
            assertThat(m.messageClass()).isEqualTo(StunClass.INDICATION);
            assertThat(m.method()).isEqualTo(StunMethod.DATA);
            assertThat(m.first(StunAttribute.XorPeerAddress.class).orElseThrow().address()).isEqualTo(peer.address());
            assertThat(new String(m.first(StunAttribute.Data.class).orElseThrow().value(), UTF_8))
                    .isEqualTo("as an indication");
            assertThat(channelData).isNotNull();
            assertThat(channelData.isChannelData()).as("%s", channelData).isTrue();
            assertThat(channelData.channel()).isEqualTo(0x4ABC);
            assertThat(new String(channelData.channelPayload(), UTF_8)).isEqualTo("as-CD");
            assertThat(channelData.raw()).as("ChannelData length").hasSize(transport == Transport.TCP ? 12 : 9);
            assertThat(relay.counter("doorstep.relay.packets", "direction", "to_client")).isEqualTo(2);
        }

        /** RFC 8656 §12.5: over UDP, ChannelData may carry padding after the data; it is not relayed. */
        @Test
        void paddingAfterUdpChannelDataIsNotRelayed() throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk();
            UdpPeer peer = peer();
            c.ok(c.channelBind(0x4000, peer.address()));

            c.io().sendRaw(StunClient.channelData(0x4000, bytes("12345"), true));

            UdpPeer.Datagram d = peer.receive(WAIT);
            assertThat(d).isNotNull();
            assertThat(new String(d.data(), UTF_8)).isEqualTo("12345");
        }

        /** RFC 8656 §12.5: over TCP every ChannelData message is padded to a multiple of 4 bytes. */
        @Test
        void channelDataToATcpClientIsPaddedToFourBytes() throws IOException {
            relay();
            TurnClient c = alice(Transport.TCP);
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer peer = peer();
            c.ok(c.channelBind(0x4000, peer.address()));

            for (String payload : List.of("a", "bb", "ccc", "dddd", "eeeee")) {
                peer.send(relayed, bytes(payload));
            }
            List<Frame> frames = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                frames.add(c.io().receive(WAIT));
            }

            assertThat(frames).extracting(f -> new String(f.channelPayload(), UTF_8))
                    .containsExactly("a", "bb", "ccc", "dddd", "eeeee");
            assertThat(frames).extracting(f -> f.raw().length).containsExactly(8, 8, 8, 8, 12);
            for (Frame f : frames) {
                int length = f.channelPayload().length;
                assertThat(Arrays.copyOfRange(f.raw(), 4 + length, f.raw().length)).as("padding")
                        .isEqualTo(new byte[(4 - length % 4) % 4]);
            }
        }

        @Test
        void datagramsFromAPeerWithoutPermissionAreDroppedAndCounted() throws IOException {
            relay("DOORSTEP_METRICS_PORT", TestRelay.FREE_TCP_PORT);
            TurnClient c = alice();
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer stranger = peer();
            UdpPeer friend = peer();
            c.createPermission(address("127.0.0.2", 1)); // a permission, but not for 127.0.0.1

            stranger.send(relayed, bytes("let me in"));
            awaitDropped("no_permission", 1);

            assertThat(c.io().receive(QUIET)).isNull();
            assertThat(relay.http("/metrics", null).body())
                    .containsPattern("(?m)^doorstep_relay_dropped_total\\{reason=\"no_permission\"} 1\\.0$");
            c.createPermission(friend.address()); // permissions are per IP: 127.0.0.1 now, so both get through
            friend.send(relayed, bytes("hello"));
            assertThat(c.io().receive(WAIT)).isNotNull();
        }

        @Test
        void theBandwidthQuotaDropsWhatExceedsIt() throws IOException {
            relay("DOORSTEP_QUOTAS_BYTES_PER_SECOND", "1000");
            TurnClient c = alice();
            c.allocateOk();
            UdpPeer peer = peer();
            c.ok(c.channelBind(0x4000, peer.address()));

            for (int i = 0; i < 5; i++) { // a second's budget, then four more, each needing a second of refill
                c.io().sendChannelData(0x4000, new byte[1000]);
            }
            awaitDropped("bandwidth", 4);

            assertThat(peer.receive(WAIT)).isNotNull();
            assertThat(peer.receive(QUIET)).isNull();
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {1, 172, 1200, 1500})
        void mediaSizedDatagramsAreRelayedWholeInBothDirections(int size) throws IOException {
            relayWholeBothWays(size);
        }

        /**
         * A relay may refuse a datagram it cannot carry (and count it), but must never cut one short: a truncated
         * video packet or data-channel chunk is corrupt data. Media stays under ~1200 bytes, but nothing in TURN
         * limits datagrams to that (loopback, jumbo-frame LANs and IP fragmentation carry more; a TURN server
         * accepts up to the 64 KiB a UDP datagram can hold).
         */
        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {2049, 4000, 9000})
        void largeDatagramsAreRelayedWholeNotCutShort(int size) throws IOException {
            relayWholeBothWays(size);
        }

        private void relayWholeBothWays(int size) throws IOException {
            relay();
            TurnClient c = alice();
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer peer = peer();
            c.createPermission(peer.address());
            byte[] payload = new byte[size];
            new Random(size).nextBytes(payload);

            c.sendIndication(peer.address(), payload);
            UdpPeer.Datagram viaSend = peer.receive(WAIT);
            peer.send(relayed, payload);
            Frame viaData = c.io().receive(WAIT);
            c.ok(c.channelBind(0x4000, peer.address()));
            c.io().sendChannelData(0x4000, payload);
            UdpPeer.Datagram viaChannel = peer.receive(WAIT);
            peer.send(relayed, payload);
            Frame asChannelData = c.io().receive(WAIT);

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(viaSend == null ? "nothing" : summary(viaSend.data(), payload))
                    .as("Send indication -> peer").isEqualTo("all " + size + " bytes");
            soft.assertThat(viaData == null ? "nothing"
                    : summary(viaData.stun().first(StunAttribute.Data.class).orElseThrow().value(), payload))
                    .as("peer -> Data indication").isEqualTo("all " + size + " bytes");
            soft.assertThat(viaChannel == null ? "nothing" : summary(viaChannel.data(), payload))
                    .as("ChannelData -> peer").isEqualTo("all " + size + " bytes");
            soft.assertThat(asChannelData == null ? "nothing" : summary(asChannelData.channelPayload(), payload))
                    .as("peer -> ChannelData").isEqualTo("all " + size + " bytes");
            soft.assertThat(relay.droppedTotal()).as("drops").isZero();
            soft.assertAll();
        }

        private static String summary(byte[] got, byte[] sent) {
            if (Arrays.equals(got, sent)) {
                return "all " + sent.length + " bytes";
            }
            return got.length + " bytes" + (Arrays.equals(got, Arrays.copyOf(sent, got.length)) ? " (cut short)" : "");
        }

        /**
         * A TCP client that stops reading (stalled, or malicious) must not make the relay queue everything its peer
         * sends: beyond what the kernel's socket buffers hold (tcp_wmem max 4 MiB here), the relay should drop and
         * count. Otherwise one client can grow the relay's memory without bound and take every call down with it.
         */
        @Test
        void aTcpClientThatStopsReadingIsNotBufferedWithoutBound() throws IOException {
            relay();
            TurnClient c = alice(Transport.TCP);
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer peer = peer();
            c.ok(c.channelBind(0x4000, peer.address()));
            byte[] chunk = new byte[1000];
            int rounds = 300;
            int perRound = 100; // 30 MB in all, of which the client reads nothing; bursts small enough for rcvbuf

            for (int r = 1; r <= rounds; r++) {
                for (int i = 0; i < perRound; i++) {
                    peer.send(relayed, chunk);
                }
                double offered = (double) r * perRound;
                // paced, so the relay sees every datagram rather than the kernel dropping them for it
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() ->
                        relay.counter("doorstep.relay.packets", "direction", "to_client") + relay.droppedTotal()
                                >= offered * 0.9);
            }

            double queued = relay.counter("doorstep.relay.bytes", "direction", "to_client");
            assertThat(queued / 1e6).as("MB handed to a TCP connection whose client read nothing (of %d MB offered)",
                    rounds * perRound * chunk.length / 1_000_000).isLessThan(10);
        }

        @Test
        void sendIndicationWithoutAnAllocationIsDropped() throws IOException {
            relay();
            TurnClient c = alice();
            UdpPeer peer = peer();
            c.sendIndication(peer.address(), bytes("nobody allocated"));
            c.io().sendChannelData(0x4000, bytes("nor this"));
            awaitDropped("no_allocation", 2);
            assertThat(peer.receive(QUIET)).isNull();
        }

        @Test
        void allocateAndRelayOverTls() throws Exception {
            relay("DOORSTEP_TURN_TLS_PORT", TestRelay.FREE_TCP_PORT,
                    "DOORSTEP_TURN_TLS_CERT", resource("/tls/relay-test.crt"),
                    "DOORSTEP_TURN_TLS_KEY", resource("/tls/relay-test.key"));
            TurnClient c = open(new TurnClient(StunClient.tls(relay.tlsAddress()), ALICE, ALICE_PASSWORD));
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer peer = peer();
            c.ok(c.channelBind(0x4000, peer.address()));

            c.io().sendChannelData(0x4000, bytes("over TLS"));
            UdpPeer.Datagram d = peer.receive(WAIT);
            peer.send(relayed, bytes("back"));
            Frame back = c.io().receive(WAIT);

            assertThat(d).isNotNull();
            assertThat(new String(d.data(), UTF_8)).isEqualTo("over TLS");
            assertThat(back).isNotNull();
            assertThat(new String(back.channelPayload(), UTF_8)).isEqualTo("back");
            assertThat(back.raw()).hasSize(8);
        }
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(TurnServerTest.class.getResource(name).toURI()).toString();
    }

    // ================================================================================================ robustness

    /** What a relay on the open Internet receives besides TURN: it must drop, count and carry on. */
    @Nested
    class Robustness {
        @Test
        void malformedDatagramsAreDroppedAndCountedAndTheRelayKeepsServing() throws IOException {
            relay();
            TurnClient c = alice();
            InetSocketAddress relayed = c.allocateOk();
            UdpPeer peer = peer();
            c.ok(c.channelBind(0x4000, peer.address()));
            byte[] allocate = c.sign(c.request(StunMethod.ALLOCATE,
                    new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP)));
            byte[] badAttributeLength = allocate.clone();
            badAttributeLength[22] = 0x7F; // first attribute claims 0x7Fxx bytes
            byte[] oddLength = allocate.clone();
            oddLength[3] = (byte) (oddLength[3] + 2);
            List<byte[]> bad = List.of(
                    new byte[0],
                    new byte[] {0x40, 0x00, 0x00},                         // too short for anything
                    filled(32, (byte) 0xFF),                              // neither STUN nor ChannelData
                    Arrays.copyOf(allocate, 36),                          // truncated STUN
                    oddLength,                                            // length not a multiple of 4
                    badAttributeLength,                                   // attribute overruns the message
                    new byte[] {0x40, 0x00, 0x00, 0x64, 1, 2, 3, 4, 5, 6}); // ChannelData: 100 announced, 6 sent

            for (byte[] datagram : bad) {
                c.io().sendRaw(datagram);
            }
            awaitDropped("malformed", bad.size());

            assertThat(peer.receive(QUIET)).as("nothing reached the peer").isNull();
            assertThat(c.io().receive(Duration.ofMillis(10))).as("nothing answered").isNull();
            assertThat(relay.activeAllocations()).isEqualTo(1);
            c.io().sendChannelData(0x4000, bytes("still relaying"));
            assertThat(peer.receive(WAIT)).isNotNull();
            peer.send(relayed, bytes("and back"));
            assertThat(c.io().receive(WAIT)).isNotNull();
            c.ok(c.call(StunMethod.REFRESH));
        }

        @Test
        void randomGarbageIsDroppedAndCountedOneForOne() throws IOException {
            relay();
            StunClient noise = open(StunClient.udp(relay.address()));
            Random random = new Random(20_261_129L);
            int count = 300;

            for (int i = 0; i < count; i++) {
                byte[] garbage = new byte[random.nextInt(200)];
                random.nextBytes(garbage);
                noise.sendRaw(garbage);
            }
            eventually().until(() -> relay.droppedTotal() == count);

            assertThat(noise.receive(QUIET)).isNull();
            alice().allocateOk();
            assertThat(relay.droppedTotal()).isEqualTo(count);
        }

        @Test
        void aTcpStreamThatLosesFramingIsClosedAndOthersCarryOn() throws IOException {
            relay();
            TurnClient bystander = alice(Transport.TCP);
            bystander.allocateOk();
            StunClient.Stream bad = (StunClient.Stream) open(StunClient.tcp(relay.address()));

            bad.sendRaw(filled(8, (byte) 0xFF));

            assertThat(bad.closedByRelay(WAIT)).isTrue();
            assertThat(relay.dropped("malformed")).isEqualTo(1);
            bystander.ok(bystander.call(StunMethod.REFRESH));
            assertThat(relay.activeAllocations()).isEqualTo(1);
        }

        @Test
        void tcpReassemblesASplitMessageAndSplitsCoalescedOnes() throws IOException {
            relay();
            StunClient.Stream c = (StunClient.Stream) open(StunClient.tcp(relay.address()));
            byte[] one = StunClient.encode(StunMessage.request(StunMethod.BINDING), null, true);
            byte[] two = StunClient.encode(StunMessage.request(StunMethod.BINDING), null, false);
            byte[] three = StunClient.encode(StunMessage.request(StunMethod.BINDING), null, false);

            c.sendInPieces(one);
            Frame first = c.awaitResponse(StunClient.transactionId(one), WAIT);
            byte[] both = Arrays.copyOf(two, two.length + three.length);
            System.arraycopy(three, 0, both, two.length, three.length);
            c.sendRaw(both);
            Frame second = c.awaitResponse(StunClient.transactionId(two), WAIT);
            Frame third = c.awaitResponse(StunClient.transactionId(three), WAIT);

            for (Frame f : List.of(first, second, third)) {
                assertThat(f.stun().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            }
        }

        @Test
        void closingATcpConnectionEndsItsAllocation() throws Exception {
            relay();
            TurnClient c = alice(Transport.TCP);
            InetSocketAddress relayed = c.allocateOk();
            assertThat(relay.activeAllocations()).isEqualTo(1);

            c.close();

            eventually().until(() -> relay.activeAllocations() == 0);
            assertThat(relay.counter("doorstep.relay.allocations.ended", "reason", "closed")).isEqualTo(1);
            assertThat(Ports.udpFree(relayed.getPort())).as("relay socket closed").isTrue();
            alice(Transport.TCP).allocateOk(); // the quota came back too
        }

        @Test
        void responsesAndUnknownIndicationsAreIgnored() throws IOException {
            relay();
            TurnClient c = alice();
            c.allocateOk();
            StunMessage response = StunMessage.of(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING,
                    TransactionId.random());
            StunMessage indication = StunMessage.of(StunClass.INDICATION, new StunMethod(0x0FF),
                    TransactionId.random());

            c.io().send(response);
            c.io().send(indication);

            assertThat(c.io().receive(QUIET)).isNull();
            c.ok(c.call(StunMethod.REFRESH));
        }
    }

    private static byte[] filled(int length, byte value) {
        byte[] b = new byte[length];
        Arrays.fill(b, value);
        return b;
    }
}
