package io.doorstep.relay.stun;

import io.doorstep.relay.stun.StunAttribute.AdditionalAddressFamily;
import io.doorstep.relay.stun.StunAttribute.AddressAttribute;
import io.doorstep.relay.stun.StunAttribute.AddressErrorCode;
import io.doorstep.relay.stun.StunAttribute.AlternateDomain;
import io.doorstep.relay.stun.StunAttribute.AlternateServer;
import io.doorstep.relay.stun.StunAttribute.ChannelNumber;
import io.doorstep.relay.stun.StunAttribute.ConnectionId;
import io.doorstep.relay.stun.StunAttribute.Data;
import io.doorstep.relay.stun.StunAttribute.DontFragment;
import io.doorstep.relay.stun.StunAttribute.ErrorCode;
import io.doorstep.relay.stun.StunAttribute.EvenPort;
import io.doorstep.relay.stun.StunAttribute.Fingerprint;
import io.doorstep.relay.stun.StunAttribute.Icmp;
import io.doorstep.relay.stun.StunAttribute.Lifetime;
import io.doorstep.relay.stun.StunAttribute.MappedAddress;
import io.doorstep.relay.stun.StunAttribute.MessageIntegrity;
import io.doorstep.relay.stun.StunAttribute.MessageIntegritySha256;
import io.doorstep.relay.stun.StunAttribute.Nonce;
import io.doorstep.relay.stun.StunAttribute.PasswordAlgorithm;
import io.doorstep.relay.stun.StunAttribute.PasswordAlgorithms;
import io.doorstep.relay.stun.StunAttribute.Realm;
import io.doorstep.relay.stun.StunAttribute.RequestedAddressFamily;
import io.doorstep.relay.stun.StunAttribute.RequestedTransport;
import io.doorstep.relay.stun.StunAttribute.ReservationToken;
import io.doorstep.relay.stun.StunAttribute.Software;
import io.doorstep.relay.stun.StunAttribute.Unknown;
import io.doorstep.relay.stun.StunAttribute.UnknownAttributes;
import io.doorstep.relay.stun.StunAttribute.Username;
import io.doorstep.relay.stun.StunAttribute.Userhash;
import io.doorstep.relay.stun.StunAttribute.XorMappedAddress;
import io.doorstep.relay.stun.StunAttribute.XorPeerAddress;
import io.doorstep.relay.stun.StunAttribute.XorRelayedAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The value part of each attribute, both directions. The attribute header (type, length) and the padding are
 * {@link StunCodec}'s business. Reads use absolute indices and never move the buffer's indices.
 */
final class AttributeCodec {

    /**
     * RFC 8489 §14.3, §14.8–14.10, §14.14: receivers accept USERNAME, reason phrases, REALM, NONCE and SOFTWARE of
     * up to 763 bytes, which RFC 5389 senders could produce.
     */
    static final int MAX_RECEIVED_TEXT_BYTES = 763;
    /** RFC 8489 §14.3: USERNAME sent is fewer than 509 bytes. */
    static final int MAX_SENT_USERNAME_BYTES = 508;
    /** RFC 8489 §14.8–14.10, §14.14: reason phrases, REALM, NONCE and SOFTWARE are fewer than 128 characters. */
    static final int MAX_SENT_TEXT_CHARS = 127;
    /** RFC 8489 §14.16: ALTERNATE-DOMAIN is a DNS name, at most 255 bytes. */
    static final int MAX_DOMAIN_BYTES = 255;

    private AttributeCodec() {
    }

    /** A known attribute with a value that cannot be right; StunCodec adds the header and rethrows. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Decoding

    /** Decodes the value at {@code buf[index, index + length)} of an attribute of type {@code type}. */
    static StunAttribute decode(int type, ByteBuf buf, int index, int length, TransactionId tid) throws Malformed {
        return switch (type) {
            case AttributeType.MAPPED_ADDRESS -> new MappedAddress(address(buf, index, length, null, type));
            case AttributeType.XOR_MAPPED_ADDRESS -> new XorMappedAddress(address(buf, index, length, tid, type));
            case AttributeType.XOR_PEER_ADDRESS -> new XorPeerAddress(address(buf, index, length, tid, type));
            case AttributeType.XOR_RELAYED_ADDRESS -> new XorRelayedAddress(address(buf, index, length, tid, type));
            case AttributeType.ALTERNATE_SERVER -> new AlternateServer(address(buf, index, length, null, type));
            case AttributeType.USERNAME -> new Username(text(buf, index, length, MAX_RECEIVED_TEXT_BYTES, type));
            case AttributeType.REALM -> new Realm(text(buf, index, length, MAX_RECEIVED_TEXT_BYTES, type));
            case AttributeType.NONCE -> new Nonce(text(buf, index, length, MAX_RECEIVED_TEXT_BYTES, type));
            case AttributeType.SOFTWARE -> new Software(text(buf, index, length, MAX_RECEIVED_TEXT_BYTES, type));
            case AttributeType.ALTERNATE_DOMAIN ->
                    new AlternateDomain(text(buf, index, length, MAX_DOMAIN_BYTES, type));
            case AttributeType.USERHASH -> new Userhash(bytes(buf, index, exactly(length, Userhash.LENGTH, type)));
            case AttributeType.MESSAGE_INTEGRITY ->
                    new MessageIntegrity(bytes(buf, index, exactly(length, MessageIntegrity.LENGTH, type)));
            case AttributeType.MESSAGE_INTEGRITY_SHA256 -> {
                if (!MessageIntegritySha256.isValidLength(length)) {
                    throw malformed(type, "length " + length + " is not 16-32 in steps of 4");
                }
                yield new MessageIntegritySha256(bytes(buf, index, length));
            }
            case AttributeType.FINGERPRINT -> new Fingerprint(buf.getInt(checked(index, length, 4, type)));
            case AttributeType.ERROR_CODE -> {
                int code = errorCode(buf, index, length, type);
                yield new ErrorCode(code, text(buf, index + 4, length - 4, MAX_RECEIVED_TEXT_BYTES, type));
            }
            case AttributeType.ADDRESS_ERROR_CODE -> {
                int code = errorCode(buf, index, length, type);
                yield new AddressErrorCode(buf.getUnsignedByte(index), code,
                        text(buf, index + 4, length - 4, MAX_RECEIVED_TEXT_BYTES, type));
            }
            case AttributeType.UNKNOWN_ATTRIBUTES -> {
                if (length % 2 != 0) {
                    throw malformed(type, "odd length " + length);
                }
                List<Integer> types = new ArrayList<>(length / 2);
                for (int i = 0; i < length; i += 2) {
                    types.add(buf.getUnsignedShort(index + i));
                }
                yield new UnknownAttributes(types);
            }
            case AttributeType.PASSWORD_ALGORITHM -> {
                PasswordAlgorithm algorithm = passwordAlgorithm(buf, index, length, type);
                int used = 4 + algorithm.parameters().length;
                if (length > pad4(used)) { // the value may carry its parameters' padding, no more
                    throw malformed(type, "length " + length + " exceeds the algorithm entry");
                }
                yield algorithm;
            }
            case AttributeType.PASSWORD_ALGORITHMS -> {
                List<PasswordAlgorithm> list = new ArrayList<>(2);
                int pos = 0;
                while (pos < length) {
                    PasswordAlgorithm algorithm = passwordAlgorithm(buf, index + pos, length - pos, type);
                    list.add(algorithm);
                    pos += pad4(4 + algorithm.parameters().length); // each entry is padded to 4 (§14.11)
                }
                yield new PasswordAlgorithms(list);
            }
            case AttributeType.CHANNEL_NUMBER ->
                    new ChannelNumber(buf.getUnsignedShort(checked(index, length, 4, type))); // + 16 bits RFFU
            case AttributeType.LIFETIME -> new Lifetime(buf.getUnsignedInt(checked(index, length, 4, type)));
            case AttributeType.DATA -> new Data(bytes(buf, index, length));
            case AttributeType.REQUESTED_ADDRESS_FAMILY ->
                    new RequestedAddressFamily(buf.getUnsignedByte(checked(index, length, 4, type)));
            case AttributeType.ADDITIONAL_ADDRESS_FAMILY ->
                    new AdditionalAddressFamily(buf.getUnsignedByte(checked(index, length, 4, type)));
            case AttributeType.EVEN_PORT ->
                    new EvenPort((buf.getByte(checked(index, length, 1, type)) & 0x80) != 0); // R bit, 7 RFFU
            case AttributeType.REQUESTED_TRANSPORT ->
                    new RequestedTransport(buf.getUnsignedByte(checked(index, length, 4, type))); // + 24 RFFU
            case AttributeType.DONT_FRAGMENT -> {
                exactly(length, 0, type);
                yield new DontFragment();
            }
            case AttributeType.RESERVATION_TOKEN ->
                    new ReservationToken(bytes(buf, index, exactly(length, ReservationToken.LENGTH, type)));
            case AttributeType.ICMP -> {
                exactly(length, 8, type);
                int typeAndCode = buf.getUnsignedShort(index + 2); // after 16 reserved bits
                yield new Icmp(typeAndCode >>> 9, typeAndCode & 0x1FF, buf.getInt(index + 4));
            }
            case AttributeType.CONNECTION_ID -> new ConnectionId(buf.getInt(checked(index, length, 4, type)));
            default -> new Unknown(type, bytes(buf, index, length));
        };
    }

    /** {@code index}, once the value is known to be exactly {@code expected} bytes long. */
    private static int checked(int index, int length, int expected, int type) throws Malformed {
        exactly(length, expected, type);
        return index;
    }

    private static int exactly(int length, int expected, int type) throws Malformed {
        if (length != expected) {
            throw malformed(type, "length " + length + ", expected " + expected);
        }
        return length;
    }

    private static Malformed malformed(int type, String why) {
        return new Malformed(AttributeType.name(type) + ": " + why);
    }

    private static byte[] bytes(ByteBuf buf, int index, int length) {
        byte[] out = new byte[length];
        buf.getBytes(index, out);
        return out;
    }

    private static String text(ByteBuf buf, int index, int length, int maxBytes, int type) throws Malformed {
        if (length > maxBytes) {
            throw malformed(type, length + " bytes, more than the " + maxBytes + " allowed");
        }
        if (length == 0) {
            return "";
        }
        if (!ByteBufUtil.isText(buf, index, length, StandardCharsets.UTF_8)) {
            throw malformed(type, "not UTF-8");
        }
        return buf.toString(index, length, StandardCharsets.UTF_8);
    }

    /** RFC 8489 §14.8: 21 reserved bits, 3 bits of class (3-6), 8 bits of number (0-99). */
    private static int errorCode(ByteBuf buf, int index, int length, int type) throws Malformed {
        if (length < 4) {
            throw malformed(type, "length " + length + " is shorter than the 4-byte code");
        }
        int errorClass = buf.getByte(index + 2) & 0x07;
        int number = buf.getUnsignedByte(index + 3);
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            throw malformed(type, "class " + errorClass + " number " + number + " is not a code in 300-699");
        }
        return errorClass * 100 + number;
    }

    private static PasswordAlgorithm passwordAlgorithm(ByteBuf buf, int index, int available, int type)
            throws Malformed {
        if (available < 4) {
            throw malformed(type, "truncated algorithm entry");
        }
        int algorithm = buf.getUnsignedShort(index);
        int paramsLength = buf.getUnsignedShort(index + 2);
        if (4 + paramsLength > available) {
            throw malformed(type, "algorithm parameters overrun the attribute");
        }
        return new PasswordAlgorithm(algorithm, bytes(buf, index + 4, paramsLength));
    }

    /**
     * RFC 8489 §14.1/§14.2: 8 reserved bits, 8 bits of family, 16 of port, 32 or 128 of address. For the XOR
     * variants ({@code tid} not null) the port is XOR-ed with the top half of the magic cookie and the address with
     * the cookie (IPv4) or the cookie followed by the transaction ID (IPv6).
     */
    static InetSocketAddress address(ByteBuf buf, int index, int length, TransactionId tid, int type)
            throws Malformed {
        if (length < 4) {
            throw malformed(type, "length " + length + " is too short for an address");
        }
        int family = buf.getUnsignedByte(index + 1);
        int port = buf.getUnsignedShort(index + 2);
        if (tid != null) {
            port ^= StunCodec.MAGIC_COOKIE >>> 16;
        }
        byte[] ip;
        if (family == StunAttribute.FAMILY_IPV4) {
            exactly(length, 8, type);
            int a = buf.getInt(index + 4);
            if (tid != null) {
                a ^= StunCodec.MAGIC_COOKIE;
            }
            ip = new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        } else if (family == StunAttribute.FAMILY_IPV6) {
            exactly(length, 20, type);
            ip = new byte[16];
            for (int w = 0; w < 4; w++) {
                int a = buf.getInt(index + 4 + 4 * w);
                if (tid != null) {
                    a ^= w == 0 ? StunCodec.MAGIC_COOKIE : tid.word(w - 1);
                }
                ip[4 * w] = (byte) (a >>> 24);
                ip[4 * w + 1] = (byte) (a >>> 16);
                ip[4 * w + 2] = (byte) (a >>> 8);
                ip[4 * w + 3] = (byte) a;
            }
        } else {
            throw malformed(type, "unknown address family " + family);
        }
        return new InetSocketAddress(inetAddress(ip), port);
    }

    /**
     * No DNS is involved for literal bytes. IPv6 goes through Inet6Address so an IPv4-mapped address stays IPv6
     * (InetAddress.getByAddress would turn it into an Inet4Address, and re-encoding would change the family).
     */
    private static InetAddress inetAddress(byte[] ip) {
        try {
            return ip.length == 4 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: address of length " + ip.length, e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Encoding

    /**
     * Writes the value of {@code a} at the writer index; returns its length (before padding). An {@link Unknown}
     * may carry a known type code (a test sending a malformed value does that): it is written verbatim, never cast
     * to the record its type suggests.
     */
    static int encode(StunAttribute a, ByteBuf out, TransactionId tid) {
        if (a instanceof Unknown u) {
            out.writeBytes(u.value());
            return u.value().length;
        }
        int start = out.writerIndex();
        switch (a.type()) {
            case AttributeType.MAPPED_ADDRESS, AttributeType.ALTERNATE_SERVER ->
                    writeAddress(out, ((AddressAttribute) a).address(), null);
            case AttributeType.XOR_MAPPED_ADDRESS, AttributeType.XOR_PEER_ADDRESS, AttributeType.XOR_RELAYED_ADDRESS ->
                    writeAddress(out, ((AddressAttribute) a).address(), tid);
            case AttributeType.USERNAME -> writeText(out, ((Username) a).value(), -1, MAX_SENT_USERNAME_BYTES, a);
            case AttributeType.REALM -> writeText(out, ((Realm) a).value(), MAX_SENT_TEXT_CHARS, -1, a);
            case AttributeType.NONCE -> writeText(out, ((Nonce) a).value(), MAX_SENT_TEXT_CHARS, -1, a);
            case AttributeType.SOFTWARE -> writeText(out, ((Software) a).value(), MAX_SENT_TEXT_CHARS, -1, a);
            case AttributeType.ALTERNATE_DOMAIN ->
                    writeText(out, ((AlternateDomain) a).value(), -1, MAX_DOMAIN_BYTES, a);
            case AttributeType.USERHASH -> out.writeBytes(((Userhash) a).value());
            case AttributeType.MESSAGE_INTEGRITY -> out.writeBytes(((MessageIntegrity) a).hmac());
            case AttributeType.MESSAGE_INTEGRITY_SHA256 -> out.writeBytes(((MessageIntegritySha256) a).hmac());
            case AttributeType.FINGERPRINT -> out.writeInt(((Fingerprint) a).crc());
            case AttributeType.ERROR_CODE -> {
                ErrorCode e = (ErrorCode) a;
                out.writeShort(0).writeByte(e.code() / 100).writeByte(e.code() % 100);
                writeText(out, e.reason(), MAX_SENT_TEXT_CHARS, -1, a);
            }
            case AttributeType.ADDRESS_ERROR_CODE -> {
                AddressErrorCode e = (AddressErrorCode) a;
                out.writeByte(e.family()).writeByte(0).writeByte(e.code() / 100).writeByte(e.code() % 100);
                writeText(out, e.reason(), MAX_SENT_TEXT_CHARS, -1, a);
            }
            case AttributeType.UNKNOWN_ATTRIBUTES -> {
                for (int t : ((UnknownAttributes) a).types()) {
                    out.writeShort(t);
                }
            }
            case AttributeType.PASSWORD_ALGORITHM -> {
                PasswordAlgorithm p = (PasswordAlgorithm) a;
                out.writeShort(p.algorithm()).writeShort(p.parameters().length).writeBytes(p.parameters());
            }
            case AttributeType.PASSWORD_ALGORITHMS -> {
                for (PasswordAlgorithm p : ((PasswordAlgorithms) a).algorithms()) {
                    out.writeShort(p.algorithm()).writeShort(p.parameters().length).writeBytes(p.parameters());
                    out.writeZero(pad4(p.parameters().length) - p.parameters().length);
                }
            }
            case AttributeType.CHANNEL_NUMBER -> out.writeShort(((ChannelNumber) a).number()).writeShort(0);
            case AttributeType.LIFETIME -> out.writeInt((int) ((Lifetime) a).seconds());
            case AttributeType.DATA -> out.writeBytes(((Data) a).value());
            case AttributeType.REQUESTED_ADDRESS_FAMILY ->
                    out.writeByte(((RequestedAddressFamily) a).family()).writeZero(3);
            case AttributeType.ADDITIONAL_ADDRESS_FAMILY ->
                    out.writeByte(((AdditionalAddressFamily) a).family()).writeZero(3);
            case AttributeType.EVEN_PORT -> out.writeByte(((EvenPort) a).reserveNextPort() ? 0x80 : 0);
            case AttributeType.REQUESTED_TRANSPORT -> out.writeByte(((RequestedTransport) a).protocol()).writeZero(3);
            case AttributeType.DONT_FRAGMENT -> {
                // no value
            }
            case AttributeType.RESERVATION_TOKEN -> out.writeBytes(((ReservationToken) a).token());
            case AttributeType.ICMP -> {
                Icmp i = (Icmp) a;
                out.writeShort(0).writeShort((i.icmpType() << 9) | i.icmpCode()).writeInt(i.errorData());
            }
            case AttributeType.CONNECTION_ID -> out.writeInt(((ConnectionId) a).id());
            default -> throw new IllegalStateException("no encoder for " + a);
        }
        return out.writerIndex() - start;
    }

    private static void writeAddress(ByteBuf out, InetSocketAddress address, TransactionId tid) {
        InetAddress ip = address.getAddress();
        int port = address.getPort();
        if (tid != null) {
            port ^= StunCodec.MAGIC_COOKIE >>> 16;
        }
        byte[] raw = ip.getAddress();
        if (ip instanceof Inet4Address) {
            int a = ((raw[0] & 0xFF) << 24) | ((raw[1] & 0xFF) << 16) | ((raw[2] & 0xFF) << 8) | (raw[3] & 0xFF);
            out.writeByte(0).writeByte(StunAttribute.FAMILY_IPV4).writeShort(port);
            out.writeInt(tid != null ? a ^ StunCodec.MAGIC_COOKIE : a);
        } else {
            out.writeByte(0).writeByte(StunAttribute.FAMILY_IPV6).writeShort(port);
            for (int w = 0; w < 4; w++) {
                int a = ((raw[4 * w] & 0xFF) << 24) | ((raw[4 * w + 1] & 0xFF) << 16)
                        | ((raw[4 * w + 2] & 0xFF) << 8) | (raw[4 * w + 3] & 0xFF);
                if (tid != null) {
                    a ^= w == 0 ? StunCodec.MAGIC_COOKIE : tid.word(w - 1);
                }
                out.writeInt(a);
            }
        }
    }

    /**
     * Writes UTF-8, refusing what a compliant sender may not send: more than {@code maxChars} code points or more
     * than {@code maxBytes} bytes (-1: no such limit), and unpaired surrogates, which have no UTF-8 form.
     */
    private static void writeText(ByteBuf out, String s, int maxChars, int maxBytes, StunAttribute a) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(AttributeType.name(a.type()) + " has an unpaired surrogate");
                }
            }
        }
        if (maxChars >= 0 && s.codePointCount(0, s.length()) > maxChars) {
            throw new IllegalArgumentException(AttributeType.name(a.type()) + " must be fewer than "
                    + (maxChars + 1) + " characters (RFC 8489 §14)");
        }
        int written = ByteBufUtil.writeUtf8(out, s);
        if (maxBytes >= 0 && written > maxBytes) {
            throw new IllegalArgumentException(AttributeType.name(a.type()) + " is " + written
                    + " bytes; at most " + maxBytes + " may be sent (RFC 8489 §14)");
        }
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
