package io.doorstep.relay.stun;

import io.netty.buffer.ByteBuf;

/**
 * The ChannelData message of RFC 8656 §12.4: a 4-byte header (channel number, length) before the application
 * data, the cheap alternative to Send/Data indications once a channel is bound.
 *
 * <pre>
 *  0                   1                   2                   3
 *  |         Channel Number        |            Length             |
 *  |                       Application Data ...                    |
 * </pre>
 *
 * <p>Static, allocation-free readers for the relay's hottest path. Like {@link StunCodec} they read at the reader
 * index by absolute position and never move indices or touch reference counts. To forward the payload without a
 * copy, take {@code buf.retainedSlice(buf.readerIndex() + HEADER_LENGTH, dataLength(buf))} and release it (or
 * let the channel write release it) when done.
 */
public final class ChannelData {

    public static final int HEADER_LENGTH = 4;
    /** RFC 8656 §12: the first channel number a client may bind. */
    public static final int MIN_CHANNEL_NUMBER = 0x4000;
    /**
     * The last channel number accepted: 0x7FFF, RFC 5766's range. RFC 8656 §12 narrowed it to 0x4FFF so that
     * ChannelData cannot be mistaken for other protocols multiplexed on one port, but clients in the field still
     * bind above 0x4FFF (coturn's turnutils_uclient, older libwebrtc), and on a TURN server's own port only STUN
     * and ChannelData arrive, so accepting the old range costs nothing and keeps them working (coturn does too).
     */
    public static final int MAX_CHANNEL_NUMBER = 0x7FFF;

    private ChannelData() {
    }

    /** Whether a CHANNEL-NUMBER value is one a client may bind (else 400, RFC 8656 §12.2). */
    public static boolean isValidChannelNumber(int channelNumber) {
        return channelNumber >= MIN_CHANNEL_NUMBER && channelNumber <= MAX_CHANNEL_NUMBER;
    }

    static boolean isChannelDataFirstByte(int firstByte) {
        return (firstByte & 0xC0) == 0x40; // 0x40–0x7F, see MAX_CHANNEL_NUMBER
    }

    /**
     * Whether the readable bytes start with a ChannelData header: at least 4 bytes and a first byte of 0x40–0x7F
     * (RFC 8656 §12.4, RFC 7983 §7). The channel may still be unbound and the length may still be wrong: check
     * {@link #isComplete} and the binding.
     */
    public static boolean isChannelData(ByteBuf buf) {
        return buf.readableBytes() >= HEADER_LENGTH && isChannelDataFirstByte(buf.getUnsignedByte(buf.readerIndex()));
    }

    /** The channel number; requires {@link #isChannelData}. */
    public static int channelNumber(ByteBuf buf) {
        return buf.getUnsignedShort(buf.readerIndex());
    }

    /** The length of the application data, excluding header and padding; requires {@link #isChannelData}. */
    public static int dataLength(ByteBuf buf) {
        return buf.getUnsignedShort(buf.readerIndex() + 2);
    }

    /**
     * Whether the readable bytes hold the whole application data the header announces. RFC 8656 §12.5: a UDP
     * datagram shorter than 4 + Length MUST be discarded; bytes beyond it (UDP padding, which is allowed but not
     * required) are ignored.
     */
    public static boolean isComplete(ByteBuf buf) {
        return isChannelData(buf) && buf.readableBytes() - HEADER_LENGTH >= dataLength(buf);
    }

    /** Header plus data plus padding to 4: the size of a ChannelData message on a TCP or TLS stream (§12.4). */
    public static int streamLength(int dataLength) {
        return HEADER_LENGTH + AttributeCodec.pad4(dataLength);
    }

    /** Zero bytes needed after {@code dataLength} bytes of data to reach a multiple of 4 (TCP/TLS only). */
    public static int padding(int dataLength) {
        return AttributeCodec.pad4(dataLength) - dataLength;
    }

    /**
     * Writes the 4-byte header at the writer index. The caller then writes (or composes) the data, and over TCP
     * or TLS {@link #padding} zero bytes.
     *
     * @throws IllegalArgumentException for a channel outside 0x4000–0x7FFF or a length over 65535
     */
    public static void writeHeader(ByteBuf out, int channelNumber, int dataLength) {
        if (!isValidChannelNumber(channelNumber)) {
            throw new IllegalArgumentException(String.format("channel number 0x%04x outside 0x4000-0x7FFF",
                    channelNumber));
        }
        if (dataLength < 0 || dataLength > 0xFFFF) {
            throw new IllegalArgumentException("ChannelData length out of range 0-65535: " + dataLength);
        }
        out.writeShort(channelNumber).writeShort(dataLength);
    }
}
