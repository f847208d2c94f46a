package io.doorstep.relay.stun;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One STUN attribute: a record per attribute a TURN server needs (RFC 8489 §14, RFC 8656 §18, RFC 6062 §6.2),
 * plus {@link Unknown} for every other type, kept so a 420 response can list the comprehension-required ones.
 *
 * <p>Records hold decoded values; {@link StunCodec} owns the wire format. Constructors check only what a value
 * must satisfy to be representable on the wire (a 16-bit field is 0–0xFFFF), not what a TURN server would accept
 * (a CHANNEL-NUMBER outside 0x4000–0x4FFF still decodes, so the server can answer 400 as RFC 8656 §12.2 says).
 * String length limits differ between sending and receiving (RFC 8489 §14.3, §14.9), so they are checked by the
 * encoder and the decoder, not here.
 *
 * <p>Byte arrays are not copied, in or out: a DATA payload is handed on without another copy. Treat every array
 * you pass in or get back as read-only.
 */
public sealed interface StunAttribute {

    /** Address family in MAPPED-ADDRESS and friends (RFC 8489 §14.1) and in the TURN family attributes. */
    int FAMILY_IPV4 = 0x01;
    /** See {@link #FAMILY_IPV4}. */
    int FAMILY_IPV6 = 0x02;

    /** The attribute type code ({@link AttributeType}). */
    int type();

    // ------------------------------------------------------------------------------------------------------------
    // Addresses

    /** The five attributes that carry a transport address. */
    sealed interface AddressAttribute extends StunAttribute {
        /** A resolved IPv4 or IPv6 address and port; never call {@code getHostName()} on it (reverse DNS). */
        InetSocketAddress address();
    }

    /** MAPPED-ADDRESS (RFC 8489 §14.1): the reflexive address in the clear, kept for RFC 3489 clients. */
    record MappedAddress(InetSocketAddress address) implements AddressAttribute {
        public MappedAddress {
            Checks.resolved(address);
        }

        @Override
        public int type() {
            return AttributeType.MAPPED_ADDRESS;
        }
    }

    /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the client's reflexive address, XOR-ed so NATs cannot rewrite it. */
    record XorMappedAddress(InetSocketAddress address) implements AddressAttribute {
        public XorMappedAddress {
            Checks.resolved(address);
        }

        @Override
        public int type() {
            return AttributeType.XOR_MAPPED_ADDRESS;
        }
    }

    /** XOR-PEER-ADDRESS (RFC 8656 §18.3): a peer's address as the server sees it; may repeat (CreatePermission). */
    record XorPeerAddress(InetSocketAddress address) implements AddressAttribute {
        public XorPeerAddress {
            Checks.resolved(address);
        }

        @Override
        public int type() {
            return AttributeType.XOR_PEER_ADDRESS;
        }
    }

    /** XOR-RELAYED-ADDRESS (RFC 8656 §18.5): the relayed transport address of an allocation. */
    record XorRelayedAddress(InetSocketAddress address) implements AddressAttribute {
        public XorRelayedAddress {
            Checks.resolved(address);
        }

        @Override
        public int type() {
            return AttributeType.XOR_RELAYED_ADDRESS;
        }
    }

    /** ALTERNATE-SERVER (RFC 8489 §14.15): where to go instead, with a 300 (Try Alternate); not XOR-ed. */
    record AlternateServer(InetSocketAddress address) implements AddressAttribute {
        public AlternateServer {
            Checks.resolved(address);
        }

        @Override
        public int type() {
            return AttributeType.ALTERNATE_SERVER;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Authentication (RFC 8489 §9.2)

    /** USERNAME (RFC 8489 §14.3): UTF-8, already OpaqueString-prepared by the sender. */
    record Username(String value) implements StunAttribute {
        public Username {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int type() {
            return AttributeType.USERNAME;
        }
    }

    /** USERHASH (RFC 8489 §14.4): SHA-256(username ":" realm), sent instead of USERNAME for anonymity. */
    record Userhash(byte[] value) implements StunAttribute {
        public static final int LENGTH = 32;

        public Userhash {
            Checks.length(value, LENGTH, "USERHASH");
        }

        @Override
        public int type() {
            return AttributeType.USERHASH;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Userhash other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Userhash[" + Checks.hex(value) + "]";
        }
    }

    /**
     * MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1, 20 bytes. Decoding yields the received value; to check it
     * use {@link StunCodec#verifyIntegrity}, and to send one pass an {@link Integrity} to {@link StunCodec#encode}.
     */
    record MessageIntegrity(byte[] hmac) implements StunAttribute {
        public static final int LENGTH = 20;

        public MessageIntegrity {
            Checks.length(hmac, LENGTH, "MESSAGE-INTEGRITY");
        }

        @Override
        public int type() {
            return AttributeType.MESSAGE_INTEGRITY;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegrity other && Arrays.equals(hmac, other.hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegrity[" + Checks.hex(hmac) + "]";
        }
    }

    /** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): HMAC-SHA256, possibly truncated to 16–32 bytes in steps of 4. */
    record MessageIntegritySha256(byte[] hmac) implements StunAttribute {
        public static final int MIN_LENGTH = 16;
        public static final int MAX_LENGTH = 32;

        public MessageIntegritySha256 {
            Objects.requireNonNull(hmac, "hmac");
            if (!isValidLength(hmac.length)) {
                throw new IllegalArgumentException("MESSAGE-INTEGRITY-SHA256 must be 16-32 bytes in steps of 4");
            }
        }

        static boolean isValidLength(int length) {
            return length >= MIN_LENGTH && length <= MAX_LENGTH && length % 4 == 0;
        }

        @Override
        public int type() {
            return AttributeType.MESSAGE_INTEGRITY_SHA256;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegritySha256 other && Arrays.equals(hmac, other.hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegritySha256[" + Checks.hex(hmac) + "]";
        }
    }

    /** FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message XOR 0x5354554e; see {@link StunCodec#verifyFingerprint}. */
    record Fingerprint(int crc) implements StunAttribute {
        @Override
        public int type() {
            return AttributeType.FINGERPRINT;
        }

        @Override
        public String toString() {
            return String.format("Fingerprint[%08x]", crc);
        }
    }

    /** REALM (RFC 8489 §14.9). */
    record Realm(String value) implements StunAttribute {
        public Realm {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int type() {
            return AttributeType.REALM;
        }
    }

    /** NONCE (RFC 8489 §14.10); RFC 8489 nonces start with the cookie "obMatJos2" and 4 chars of feature bits. */
    record Nonce(String value) implements StunAttribute {
        public Nonce {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int type() {
            return AttributeType.NONCE;
        }
    }

    /**
     * PASSWORD-ALGORITHM (RFC 8489 §14.12): the algorithm the client picked for the long-term key. Also the element
     * type of {@link PasswordAlgorithms}.
     *
     * @param algorithm  {@link #MD5}, {@link #SHA_256} or another registered number (0–0xFFFF)
     * @param parameters algorithm parameters; empty for both defined algorithms
     */
    record PasswordAlgorithm(int algorithm, byte[] parameters) implements StunAttribute {
        /** RFC 8489 §18.5.1: key = MD5(username ":" realm ":" password), 16 bytes. */
        public static final int MD5 = 0x0001;
        /** RFC 8489 §18.5.1: key = SHA-256(username ":" realm ":" password), 32 bytes. */
        public static final int SHA_256 = 0x0002;

        public PasswordAlgorithm {
            Checks.u16(algorithm, "algorithm");
            Objects.requireNonNull(parameters, "parameters");
            Checks.u16(parameters.length, "parameters length");
        }

        public static PasswordAlgorithm of(int algorithm) {
            return new PasswordAlgorithm(algorithm, new byte[0]);
        }

        @Override
        public int type() {
            return AttributeType.PASSWORD_ALGORITHM;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PasswordAlgorithm other && algorithm == other.algorithm
                    && Arrays.equals(parameters, other.parameters);
        }

        @Override
        public int hashCode() {
            return algorithm * 31 + Arrays.hashCode(parameters);
        }

        @Override
        public String toString() {
            String name = switch (algorithm) {
                case MD5 -> "MD5";
                case SHA_256 -> "SHA-256";
                default -> String.format("0x%04x", algorithm);
            };
            return "PasswordAlgorithm[" + name + (parameters.length == 0 ? "" : ", " + Checks.hex(parameters)) + "]";
        }
    }

    /** PASSWORD-ALGORITHMS (RFC 8489 §14.11): the algorithms a server offers, in its order of preference. */
    record PasswordAlgorithms(List<PasswordAlgorithm> algorithms) implements StunAttribute {
        public PasswordAlgorithms {
            algorithms = List.copyOf(algorithms);
        }

        @Override
        public int type() {
            return AttributeType.PASSWORD_ALGORITHMS;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors and informational

    /**
     * ERROR-CODE (RFC 8489 §14.8). Codes are in {@link ErrorCodes}.
     *
     * @param code   300–699 (class 3–6, number 0–99)
     * @param reason UTF-8 reason phrase, fewer than 128 characters
     */
    record ErrorCode(int code, String reason) implements StunAttribute {
        public ErrorCode {
            Checks.errorCode(code);
            Objects.requireNonNull(reason, "reason");
        }

        /** The code with its standard reason phrase. */
        public static ErrorCode of(int code) {
            return new ErrorCode(code, ErrorCodes.reasonPhrase(code));
        }

        @Override
        public int type() {
            return AttributeType.ERROR_CODE;
        }
    }

    /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): the comprehension-required types a 420 response rejects. */
    record UnknownAttributes(List<Integer> types) implements StunAttribute {
        public UnknownAttributes {
            types = List.copyOf(types);
            for (int t : types) {
                Checks.u16(t, "attribute type");
            }
        }

        @Override
        public int type() {
            return AttributeType.UNKNOWN_ATTRIBUTES;
        }

        @Override
        public String toString() {
            return "UnknownAttributes" + types.stream().map(AttributeType::name).toList();
        }
    }

    /** SOFTWARE (RFC 8489 §14.14): a product name and version, for diagnostics only. */
    record Software(String value) implements StunAttribute {
        public Software {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int type() {
            return AttributeType.SOFTWARE;
        }
    }

    /** ALTERNATE-DOMAIN (RFC 8489 §14.16): the domain for TLS certificate checks against ALTERNATE-SERVER. */
    record AlternateDomain(String value) implements StunAttribute {
        public AlternateDomain {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int type() {
            return AttributeType.ALTERNATE_DOMAIN;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // TURN (RFC 8656 §18)

    /** CHANNEL-NUMBER (RFC 8656 §18.1); valid channels are 0x4000–0x4FFF, checked by the server, not here. */
    record ChannelNumber(int number) implements StunAttribute {
        public ChannelNumber {
            Checks.u16(number, "channel number");
        }

        @Override
        public int type() {
            return AttributeType.CHANNEL_NUMBER;
        }

        @Override
        public String toString() {
            return String.format("ChannelNumber[0x%04x]", number);
        }
    }

    /** LIFETIME (RFC 8656 §18.2): seconds, an unsigned 32-bit value (hence long). */
    record Lifetime(long seconds) implements StunAttribute {
        public Lifetime {
            if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("lifetime out of range 0-2^32-1: " + seconds);
            }
        }

        @Override
        public int type() {
            return AttributeType.LIFETIME;
        }
    }

    /**
     * DATA (RFC 8656 §18.4): the application payload of a Send or Data indication. A byte array, copied once when
     * decoded, so a message stays a plain value that may outlive the datagram it came in and cross threads; wrap it
     * with {@code Unpooled.wrappedBuffer} to send it on without a second copy.
     */
    record Data(byte[] value) implements StunAttribute {
        public Data {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int type() {
            return AttributeType.DATA;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        /** Length only: payloads are media and have no place in logs. */
        @Override
        public String toString() {
            return "Data[" + value.length + " bytes]";
        }
    }

    /** REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6): {@link #FAMILY_IPV4} or {@link #FAMILY_IPV6}; others draw 440. */
    record RequestedAddressFamily(int family) implements StunAttribute {
        public RequestedAddressFamily {
            Checks.u8(family, "family");
        }

        @Override
        public int type() {
            return AttributeType.REQUESTED_ADDRESS_FAMILY;
        }
    }

    /** EVEN-PORT (RFC 8656 §18.7): ask for an even relay port, and optionally reserve the next one. */
    record EvenPort(boolean reserveNextPort) implements StunAttribute {
        @Override
        public int type() {
            return AttributeType.EVEN_PORT;
        }
    }

    /** REQUESTED-TRANSPORT (RFC 8656 §18.8): an IP protocol number, {@link #UDP} (or {@link #TCP}, RFC 6062). */
    record RequestedTransport(int protocol) implements StunAttribute {
        public static final int TCP = 6;
        public static final int UDP = 17;

        public RequestedTransport {
            Checks.u8(protocol, "protocol");
        }

        @Override
        public int type() {
            return AttributeType.REQUESTED_TRANSPORT;
        }
    }

    /** DONT-FRAGMENT (RFC 8656 §18.9): set DF on datagrams to the peer; no value. */
    record DontFragment() implements StunAttribute {
        @Override
        public int type() {
            return AttributeType.DONT_FRAGMENT;
        }
    }

    /** RESERVATION-TOKEN (RFC 8656 §18.10): 8 opaque bytes naming a reserved relay port. */
    record ReservationToken(byte[] token) implements StunAttribute {
        public static final int LENGTH = 8;

        public ReservationToken {
            Checks.length(token, LENGTH, "RESERVATION-TOKEN");
        }

        @Override
        public int type() {
            return AttributeType.RESERVATION_TOKEN;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReservationToken other && Arrays.equals(token, other.token);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(token);
        }

        @Override
        public String toString() {
            return "ReservationToken[" + Checks.hex(token) + "]";
        }
    }

    /** ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11): ask for an IPv6 relay as well; only 0x02 is valid. */
    record AdditionalAddressFamily(int family) implements StunAttribute {
        public AdditionalAddressFamily {
            Checks.u8(family, "family");
        }

        @Override
        public int type() {
            return AttributeType.ADDITIONAL_ADDRESS_FAMILY;
        }
    }

    /** ADDRESS-ERROR-CODE (RFC 8656 §18.12): why one family of a dual allocation failed. */
    record AddressErrorCode(int family, int code, String reason) implements StunAttribute {
        public AddressErrorCode {
            Checks.u8(family, "family");
            Checks.errorCode(code);
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public int type() {
            return AttributeType.ADDRESS_ERROR_CODE;
        }
    }

    /**
     * ICMP (RFC 8656 §18.13): an ICMP error from a peer, relayed in a Data indication. Laid out as figure 11 of
     * the RFC draws it: 16 reserved bits, a 7-bit type, a 9-bit code, then 32 bits of error data (the next-hop MTU
     * for "packet too big" / "fragmentation needed", else 0).
     */
    record Icmp(int icmpType, int icmpCode, int errorData) implements StunAttribute {
        public Icmp {
            if (icmpType < 0 || icmpType > 0x7F) {
                throw new IllegalArgumentException("ICMP type out of range 0-127: " + icmpType);
            }
            if (icmpCode < 0 || icmpCode > 0x1FF) {
                throw new IllegalArgumentException("ICMP code out of range 0-511: " + icmpCode);
            }
        }

        @Override
        public int type() {
            return AttributeType.ICMP;
        }
    }

    /** CONNECTION-ID (RFC 6062 §6.2.1): names a peer TCP connection; 32 opaque bits. */
    record ConnectionId(int id) implements StunAttribute {
        @Override
        public int type() {
            return AttributeType.CONNECTION_ID;
        }

        @Override
        public String toString() {
            return "ConnectionId[" + Integer.toUnsignedString(id) + "]";
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * Any attribute this codec has no record for (e.g. ICE's PRIORITY), value kept verbatim. The decoder makes one
     * only for such types; {@link StunMessage#unknownComprehensionRequired()} lists those a server must reject.
     */
    record Unknown(int type, byte[] value) implements StunAttribute {
        public Unknown {
            Checks.u16(type, "type");
            Objects.requireNonNull(value, "value");
            Checks.u16(value.length, "value length");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown other && type == other.type && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return type * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Unknown[" + AttributeType.name(type) + ", " + Checks.hex(value) + "]";
        }
    }
}
