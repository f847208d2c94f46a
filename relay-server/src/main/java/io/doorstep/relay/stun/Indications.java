package io.doorstep.relay.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Send and Data indications (RFC 8656 §10) read and written in place, for the relay's packet path: no message,
 * attribute or address objects, unlike {@link StunCodec#decode}. Same buffer rules as {@link StunCodec}. Positions
 * are absolute indexes into the buffer; -1 means "not there" (or not well-formed).
 */
public final class Indications {
    private static final int SEND = MessageType.encode(StunMethod.SEND, StunClass.INDICATION);
    private static final int DATA = MessageType.encode(StunMethod.DATA, StunClass.INDICATION);
    private static final int ATTRIBUTE_HEADER = 4;

    private Indications() {
    }

    /** Whether the readable bytes are one whole Send indication (header checks only; attributes are not walked). */
    public static boolean isSend(ByteBuf buf) {
        return StunCodec.looksLikeStun(buf) && buf.getUnsignedShort(buf.readerIndex()) == SEND
                && StunCodec.HEADER_LENGTH + buf.getUnsignedShort(buf.readerIndex() + 2) == buf.readableBytes();
    }

    /** Where the value of the first attribute of {@code type} starts, or -1 (absent, or the attributes overrun). */
    public static int find(ByteBuf message, int type) {
        int end = message.readerIndex() + message.readableBytes();
        int pos = message.readerIndex() + StunCodec.HEADER_LENGTH;
        while (pos + ATTRIBUTE_HEADER <= end) {
            int length = message.getUnsignedShort(pos + 2);
            if (pos + ATTRIBUTE_HEADER + length > end) {
                return -1;
            }
            if (message.getUnsignedShort(pos) == type) {
                return pos + ATTRIBUTE_HEADER;
            }
            pos += ATTRIBUTE_HEADER + AttributeCodec.pad4(length);
        }
        return -1;
    }

    /** The length of the attribute value that starts at {@code value} (a position {@link #find} returned). */
    public static int length(ByteBuf message, int value) {
        return message.getUnsignedShort(value - 2);
    }

    /** The port of the XOR-PEER-ADDRESS whose value starts at {@code value}. */
    public static int xorPort(ByteBuf message, int value) {
        return message.getUnsignedShort(value + 2) ^ (StunCodec.MAGIC_COOKIE >>> 16);
    }

    /** The XOR-PEER-ADDRESS whose value starts at {@code value}, decoded (a new object), or null if malformed. */
    public static InetSocketAddress xorPeerAddress(ByteBuf message, int value) {
        try {
            return AttributeCodec.address(message, value, length(message, value),
                    TransactionId.read(message, message.readerIndex() + 8), AttributeType.XOR_PEER_ADDRESS);
        } catch (AttributeCodec.Malformed e) {
            return null;
        }
    }

    /** Whether the XOR-PEER-ADDRESS at {@code value} (of {@code message}) holds the IP address {@code ip}. */
    public static boolean xorAddressIs(ByteBuf message, int value, byte[] ip) {
        int family = ip.length == 4 ? StunAttribute.FAMILY_IPV4 : StunAttribute.FAMILY_IPV6;
        if (length(message, value) != 4 + ip.length || message.getUnsignedByte(value + 1) != family) {
            return false;
        }
        for (int w = 0; w < ip.length / 4; w++) {
            if ((message.getInt(value + 4 + 4 * w) ^ mask(message, w)) != word(ip, w)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A Data indication carrying the readable bytes of {@code payload} from the peer at {@code ip}:{@code port},
     * with a fresh random transaction ID; the caller owns the result.
     *
     * @throws IllegalArgumentException when the payload does not fit a STUN message
     */
    public static ByteBuf data(ByteBufAllocator allocator, byte[] ip, int port, ByteBuf payload) {
        int payloadLength = payload.readableBytes();
        int body = ATTRIBUTE_HEADER + 4 + ip.length + ATTRIBUTE_HEADER + AttributeCodec.pad4(payloadLength);
        if (body > StunCodec.MAX_BODY_LENGTH) {
            throw new IllegalArgumentException("payload of " + payloadLength + " bytes does not fit a STUN message");
        }
        ByteBuf out = allocator.directBuffer(StunCodec.HEADER_LENGTH + body);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        out.writeShort(DATA).writeShort(body).writeInt(StunCodec.MAGIC_COOKIE)
                .writeLong(random.nextLong()).writeInt(random.nextInt());
        int start = out.readerIndex();
        out.writeShort(AttributeType.XOR_PEER_ADDRESS).writeShort(4 + ip.length)
                .writeByte(0).writeByte(ip.length == 4 ? StunAttribute.FAMILY_IPV4 : StunAttribute.FAMILY_IPV6)
                .writeShort(port ^ (StunCodec.MAGIC_COOKIE >>> 16));
        for (int w = 0; w < ip.length / 4; w++) {
            out.writeInt(word(ip, w) ^ mask(out, start, w));
        }
        out.writeShort(AttributeType.DATA).writeShort(payloadLength)
                .writeBytes(payload, payload.readerIndex(), payloadLength)
                .writeZero(AttributeCodec.pad4(payloadLength) - payloadLength);
        return out;
    }

    /** RFC 8489 §14.2: the first address word is XOR-ed with the cookie, the others with the transaction ID. */
    private static int mask(ByteBuf message, int w) {
        return mask(message, message.readerIndex(), w);
    }

    private static int mask(ByteBuf message, int start, int w) {
        return message.getInt(start + 4 + 4 * w); // the cookie at 4, the transaction ID from 8
    }

    private static int word(byte[] ip, int w) {
        return ((ip[4 * w] & 0xFF) << 24) | ((ip[4 * w + 1] & 0xFF) << 16) | ((ip[4 * w + 2] & 0xFF) << 8)
                | (ip[4 * w + 3] & 0xFF);
    }
}
