package io.doorstep.relay.stun;

import io.doorstep.relay.stun.StunParseException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The STUN wire format (RFC 8489 §5, §14; TURN attributes RFC 8656 §18; RFC 6062): decode, encode, message
 * integrity, fingerprint, and the first-byte tests that demultiplex STUN from ChannelData on a shared socket.
 *
 * <p>Stateless and thread-safe; no channel code, so one parser serves the UDP and the TCP/TLS transports alike
 * (the way Netty's codec-dns shares one parser between its datagram and TCP decoders).
 *
 * <p><b>Buffer rules.</b> Every method that reads a {@link ByteBuf} reads its readable bytes by absolute index: it
 * moves neither index, neither retains nor releases it, and keeps no reference to it after returning. The caller
 * owns the input before and after. {@link #encode} returns a new buffer with
 * reference count 1 which the caller owns (writing it to a channel hands it over); on an exception it releases
 * what it allocated. {@link Indications} reads and writes Send and Data indications in place, for the packet path.
 */
public final class StunCodec {

    /** RFC 8489 §5: the fixed value at offset 4 that tells STUN (RFC 5389 and later) from RFC 3489 and from noise. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** RFC 8489 §5. */
    public static final int HEADER_LENGTH = 20;
    /** The largest value of the length field: 16 bits, and a multiple of 4. */
    public static final int MAX_BODY_LENGTH = 0xFFFC;
    /** Returned by {@link #streamFrameLength} when fewer than 4 bytes are readable. */
    public static final int NEED_MORE_BYTES = -1;
    /** Returned by {@link #streamFrameLength} when the bytes are neither STUN nor ChannelData. */
    public static final int NOT_A_FRAME = -2;

    /** RFC 8489 §14.7: XOR-ed into the CRC so FINGERPRINT differs from a CRC another protocol might append. */
    static final int FINGERPRINT_XOR = 0x5354554E;

    private static final int ATTRIBUTE_HEADER_LENGTH = 4;
    private static final int FINGERPRINT_ATTRIBUTE_LENGTH = 8;
    private static final int MESSAGE_INTEGRITY_ATTRIBUTE_LENGTH = 4 + StunAttribute.MessageIntegrity.LENGTH;

    private StunCodec() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // Demultiplexing

    /**
     * Whether the readable bytes can be a STUN message: at least a header, the first two bits 0, the magic cookie
     * at offset 4 and a length that is a multiple of 4 (RFC 8489 §5, RFC 7983). Cheap enough to run on every
     * datagram; ChannelData (first byte 0x40–0x7F, see {@link ChannelData#isChannelData}) never passes it.
     */
    public static boolean looksLikeStun(ByteBuf buf) {
        int start = buf.readerIndex();
        return buf.readableBytes() >= HEADER_LENGTH
                && (buf.getByte(start) & 0xC0) == 0
                && buf.getInt(start + 4) == MAGIC_COOKIE
                && (buf.getShort(start + 2) & 0x3) == 0;
    }

    /**
     * The length of the frame starting at the reader index of a TCP or TLS stream that carries both STUN messages
     * and ChannelData (RFC 8656 §12.4: over streams ChannelData is padded to 4, so both kinds are framed by their
     * own length field). Returns {@link #NEED_MORE_BYTES} below 4 readable bytes and {@link #NOT_A_FRAME} when the
     * first byte is neither; a stream that says that has lost framing and should be closed.
     */
    public static int streamFrameLength(ByteBuf buf) {
        if (buf.readableBytes() < 4) {
            return NEED_MORE_BYTES;
        }
        int start = buf.readerIndex();
        int first = buf.getUnsignedByte(start);
        int length = buf.getUnsignedShort(start + 2);
        if ((first & 0xC0) == 0) {
            return HEADER_LENGTH + length;
        }
        if (ChannelData.isChannelDataFirstByte(first)) {
            return ChannelData.HEADER_LENGTH + AttributeCodec.pad4(length);
        }
        return NOT_A_FRAME;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Decoding

    /**
     * Decodes the readable bytes, which must be exactly one message (a datagram, or one frame cut by
     * {@link #streamFrameLength}). Does not verify MESSAGE-INTEGRITY or FINGERPRINT: see {@link #verifyIntegrity}
     * and {@link #verifyFingerprint}. Attributes that RFC 8489 §14.5/§14.6 says to ignore (after
     * MESSAGE-INTEGRITY, bar MESSAGE-INTEGRITY-SHA256 and FINGERPRINT; after MESSAGE-INTEGRITY-SHA256, bar
     * FINGERPRINT) are checked for framing and then left out.
     *
     * @throws StunParseException for anything malformed, and never any other exception, whatever the bytes
     */
    public static StunMessage decode(ByteBuf buf) throws StunParseException {
        int start = buf.readerIndex();
        int readable = buf.readableBytes();
        if (readable < HEADER_LENGTH) {
            throw new StunParseException(Reason.TRUNCATED, readable + " bytes, fewer than a 20-byte header");
        }
        int type = buf.getUnsignedShort(start);
        if ((type & 0xC000) != 0) {
            throw new StunParseException(Reason.NOT_STUN, String.format("first byte 0x%02x", type >>> 8));
        }
        int cookie = buf.getInt(start + 4);
        if (cookie != MAGIC_COOKIE) {
            throw new StunParseException(Reason.BAD_MAGIC_COOKIE, String.format("0x%08x", cookie));
        }
        StunClass messageClass = MessageType.messageClass(type);
        StunMethod method = StunMethod.of(MessageType.method(type));
        TransactionId tid = TransactionId.read(buf, start + 8);
        int length = buf.getUnsignedShort(start + 2);
        if ((length & 3) != 0) {
            throw new StunParseException(Reason.BAD_LENGTH, "length " + length + " is not a multiple of 4",
                    messageClass, method, tid);
        }
        if (HEADER_LENGTH + length > readable) {
            throw new StunParseException(Reason.TRUNCATED, "length " + length + " but only "
                    + (readable - HEADER_LENGTH) + " bytes follow the header", messageClass, method, tid);
        }
        if (HEADER_LENGTH + length < readable) {
            throw new StunParseException(Reason.BAD_LENGTH, (readable - HEADER_LENGTH - length)
                    + " bytes beyond the length " + length, messageClass, method, tid);
        }

        List<StunAttribute> attributes = new ArrayList<>(8);
        int end = start + HEADER_LENGTH + length;
        int pos = start + HEADER_LENGTH;
        boolean afterIntegrity = false;
        boolean afterIntegritySha256 = false;
        boolean afterFingerprint = false;
        while (pos < end) {
            // pos and end are both 4-aligned from start, so a whole attribute header is always there.
            int attributeType = buf.getUnsignedShort(pos);
            int valueLength = buf.getUnsignedShort(pos + 2);
            int value = pos + ATTRIBUTE_HEADER_LENGTH;
            if (valueLength > end - value) {
                throw new StunParseException(Reason.ATTRIBUTE_OVERRUN, AttributeType.name(attributeType)
                        + " of length " + valueLength + " at offset " + (pos - start) + " runs past the message end",
                        messageClass, method, tid);
            }
            if (afterFingerprint) {
                throw new StunParseException(Reason.ATTRIBUTE_AFTER_FINGERPRINT, AttributeType.name(attributeType)
                        + " at offset " + (pos - start), messageClass, method, tid);
            }
            boolean keep;
            if (attributeType == AttributeType.FINGERPRINT) {
                keep = true;
                afterFingerprint = true;
            } else if (afterIntegritySha256) {
                keep = false;
            } else if (attributeType == AttributeType.MESSAGE_INTEGRITY_SHA256) {
                keep = true;
                afterIntegritySha256 = true;
            } else if (afterIntegrity) {
                keep = false;
            } else {
                keep = true;
                afterIntegrity = attributeType == AttributeType.MESSAGE_INTEGRITY;
            }
            if (keep) {
                try {
                    attributes.add(AttributeCodec.decode(attributeType, buf, value, valueLength, tid));
                } catch (AttributeCodec.Malformed e) {
                    throw new StunParseException(Reason.MALFORMED_ATTRIBUTE, e.getMessage(), messageClass, method,
                            tid);
                }
            }
            pos = value + AttributeCodec.pad4(valueLength);
        }
        return new StunMessage(messageClass, method, tid, attributes);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Encoding

    /**
     * Encodes a message, appending MESSAGE-INTEGRITY and/or MESSAGE-INTEGRITY-SHA256 when {@code integrity} is
     * not null (RFC 8489 §14.5, §14.6) and then FINGERPRINT when asked (§14.7). Attributes in the message are
     * written in order, each padded with zeros to 4 bytes; integrity and fingerprint records already in the
     * message are written verbatim (for tests and proxies) but may not be combined with the computed ones.
     *
     * @param integrity   the key and algorithms to sign with, or null to send unsigned
     * @param fingerprint whether to append FINGERPRINT (required when STUN shares a port with other protocols)
     * @return a new buffer with reference count 1, owned by the caller
     * @throws IllegalArgumentException if the message is over 64 KiB, a string attribute is longer than RFC 8489
     *                                  allows a sender, or integrity/fingerprint would be added twice
     */
    public static ByteBuf encode(StunMessage message, ByteBufAllocator allocator, Integrity integrity,
                                 boolean fingerprint) {
        if (integrity != null && (message.has(AttributeType.MESSAGE_INTEGRITY)
                || message.has(AttributeType.MESSAGE_INTEGRITY_SHA256) || message.has(AttributeType.FINGERPRINT))) {
            throw new IllegalArgumentException(
                    "message already carries MESSAGE-INTEGRITY*/FINGERPRINT; a computed one after it would be ignored");
        }
        if (fingerprint && message.has(AttributeType.FINGERPRINT)) {
            throw new IllegalArgumentException("message already carries FINGERPRINT");
        }
        ByteBuf out = allocator.buffer(estimateLength(message));
        boolean done = false;
        try {
            int start = out.writerIndex();
            TransactionId tid = message.transactionId();
            out.writeShort(MessageType.encode(message.method(), message.messageClass()));
            out.writeShort(0); // length, set once known
            out.writeInt(MAGIC_COOKIE);
            tid.write(out);
            for (StunAttribute a : message.attributes()) {
                writeAttribute(out, a, tid);
            }
            int trailer = (fingerprint ? FINGERPRINT_ATTRIBUTE_LENGTH : 0);
            if (integrity != null) {
                trailer += (integrity.includesSha1() ? MESSAGE_INTEGRITY_ATTRIBUTE_LENGTH : 0)
                        + (integrity.sha256Length() > 0 ? 4 + integrity.sha256Length() : 0);
            }
            int bodyLength = out.writerIndex() - start - HEADER_LENGTH;
            if (bodyLength + trailer > MAX_BODY_LENGTH) {
                throw new IllegalArgumentException("message body of " + (bodyLength + trailer)
                        + " bytes exceeds the 16-bit length field");
            }
            if (integrity != null && integrity.includesSha1()) {
                appendIntegrity(out, start, AttributeType.MESSAGE_INTEGRITY, Hmacs.SHA1, integrity.key(),
                        StunAttribute.MessageIntegrity.LENGTH);
            }
            if (integrity != null && integrity.sha256Length() > 0) {
                appendIntegrity(out, start, AttributeType.MESSAGE_INTEGRITY_SHA256, Hmacs.SHA256, integrity.key(),
                        integrity.sha256Length());
            }
            if (fingerprint) {
                // §14.7: CRC over everything before FINGERPRINT, with the length already counting FINGERPRINT.
                int prefix = out.writerIndex() - start;
                out.setShort(start + 2, prefix - HEADER_LENGTH + FINGERPRINT_ATTRIBUTE_LENGTH);
                int crc = Hmacs.crc32(out, start, prefix) ^ FINGERPRINT_XOR;
                out.writeShort(AttributeType.FINGERPRINT).writeShort(4).writeInt(crc);
            }
            out.setShort(start + 2, out.writerIndex() - start - HEADER_LENGTH);
            done = true;
            return out;
        } finally {
            if (!done) {
                out.release();
            }
        }
    }

    private static void writeAttribute(ByteBuf out, StunAttribute a, TransactionId tid) {
        int header = out.writerIndex();
        out.writeShort(a.type()).writeShort(0);
        int valueLength = AttributeCodec.encode(a, out, tid);
        if (valueLength > 0xFFFF) {
            throw new IllegalArgumentException(AttributeType.name(a.type()) + " value of " + valueLength
                    + " bytes exceeds the 16-bit attribute length");
        }
        out.setShort(header + 2, valueLength);
        out.writeZero(AttributeCodec.pad4(valueLength) - valueLength);
    }

    /**
     * §14.5/§14.6: the HMAC covers the message up to the attribute, with the header length already counting the
     * integrity attribute itself (but nothing after it).
     */
    private static void appendIntegrity(ByteBuf out, int start, int type, String algorithm, byte[] key,
                                        int valueLength) {
        int prefix = out.writerIndex() - start;
        byte[] hmac = Hmacs.hmac(algorithm, key, out, start, prefix, prefix - HEADER_LENGTH + 4 + valueLength);
        out.writeShort(type).writeShort(valueLength).writeBytes(hmac, 0, valueLength);
    }

    /** Enough for typical control messages in one allocation; payload-bearing attributes counted exactly. */
    private static int estimateLength(StunMessage message) {
        int length = HEADER_LENGTH + 96; // room for integrity, fingerprint and small attributes
        for (StunAttribute a : message.attributes()) {
            if (a instanceof StunAttribute.Data d) {
                length += ATTRIBUTE_HEADER_LENGTH + d.value().length + 3;
            } else if (a instanceof StunAttribute.Unknown u) {
                length += ATTRIBUTE_HEADER_LENGTH + u.value().length + 3;
            } else {
                length += 24;
            }
        }
        return length;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Integrity and fingerprint

    /**
     * Checks the message integrity of the readable bytes, a whole message, against {@code key} (RFC 8489 §9.1.3,
     * §9.2.4). If MESSAGE-INTEGRITY-SHA256 is present it decides (HMAC-SHA256, possibly truncated); otherwise
     * MESSAGE-INTEGRITY does (HMAC-SHA1). The HMAC covers the message up to that attribute with the header
     * length adjusted to end just after it, so attributes that follow (FINGERPRINT, or ones a receiver ignores)
     * do not matter. Comparison is constant-time.
     *
     * @param key the long-term key ({@link LongTermKey}) or the short-term password bytes
     * @return false if there is no integrity attribute, if it does not match, or if the bytes are not a
     *         well-formed message; never throws on bad input
     */
    public static boolean verifyIntegrity(ByteBuf raw, byte[] key) {
        Objects.requireNonNull(key, "key");
        Layout layout = Layout.of(raw);
        if (layout == null) {
            return false;
        }
        int start = raw.readerIndex();
        if (layout.integritySha256 >= 0) {
            return verifyHmac(raw, start, layout.integritySha256, Hmacs.SHA256, key);
        }
        if (layout.integrity >= 0) {
            return verifyHmac(raw, start, layout.integrity, Hmacs.SHA1, key);
        }
        return false;
    }

    private static boolean verifyHmac(ByteBuf raw, int start, int offset, String algorithm, byte[] key) {
        int valueLength = raw.getUnsignedShort(start + offset + 2);
        boolean lengthOk = Hmacs.SHA1.equals(algorithm)
                ? valueLength == StunAttribute.MessageIntegrity.LENGTH
                : StunAttribute.MessageIntegritySha256.isValidLength(valueLength);
        if (!lengthOk) {
            return false;
        }
        byte[] received = new byte[valueLength];
        raw.getBytes(start + offset + ATTRIBUTE_HEADER_LENGTH, received);
        byte[] computed = Hmacs.hmac(algorithm, key, raw, start, offset,
                offset - HEADER_LENGTH + ATTRIBUTE_HEADER_LENGTH + valueLength);
        return Hmacs.matches(computed, received);
    }

    /**
     * Checks FINGERPRINT (RFC 8489 §14.7): present, last, 4 bytes, and equal to CRC-32 of everything before it
     * XOR 0x5354554e.
     *
     * @return false if absent, wrong, or the bytes are not a well-formed message; never throws on bad input
     */
    public static boolean verifyFingerprint(ByteBuf raw) {
        Layout layout = Layout.of(raw);
        if (layout == null || layout.fingerprint < 0) {
            return false;
        }
        int start = raw.readerIndex();
        if (raw.getUnsignedShort(start + layout.fingerprint + 2) != 4) {
            return false;
        }
        int expected = Hmacs.crc32(raw, start, layout.fingerprint) ^ FINGERPRINT_XOR;
        return expected == raw.getInt(start + layout.fingerprint + ATTRIBUTE_HEADER_LENGTH);
    }

    /**
     * Offsets (from the message start) of the integrity and fingerprint attributes a receiver would act on, found
     * with the same rules as {@link #decode}: a second MESSAGE-INTEGRITY, or one after MESSAGE-INTEGRITY-SHA256,
     * is ignored; nothing may follow FINGERPRINT. Attribute values are not parsed.
     */
    private record Layout(int integrity, int integritySha256, int fingerprint) {

        /** Null when the framing is not a valid STUN message. */
        static Layout of(ByteBuf raw) {
            int start = raw.readerIndex();
            int readable = raw.readableBytes();
            if (readable < HEADER_LENGTH || (raw.getByte(start) & 0xC0) != 0
                    || raw.getInt(start + 4) != MAGIC_COOKIE) {
                return null;
            }
            int length = raw.getUnsignedShort(start + 2);
            if ((length & 3) != 0 || HEADER_LENGTH + length != readable) {
                return null;
            }
            int integrity = -1;
            int integritySha256 = -1;
            int fingerprint = -1;
            int pos = HEADER_LENGTH;
            int end = HEADER_LENGTH + length;
            while (pos < end) {
                if (fingerprint >= 0) {
                    return null;
                }
                int type = raw.getUnsignedShort(start + pos);
                int valueLength = raw.getUnsignedShort(start + pos + 2);
                if (valueLength > end - pos - ATTRIBUTE_HEADER_LENGTH) {
                    return null;
                }
                if (type == AttributeType.FINGERPRINT) {
                    fingerprint = pos;
                } else if (type == AttributeType.MESSAGE_INTEGRITY_SHA256 && integritySha256 < 0) {
                    integritySha256 = pos;
                } else if (type == AttributeType.MESSAGE_INTEGRITY && integrity < 0 && integritySha256 < 0) {
                    integrity = pos;
                }
                pos += ATTRIBUTE_HEADER_LENGTH + AttributeCodec.pad4(valueLength);
            }
            return new Layout(integrity, integritySha256, fingerprint);
        }
    }
}
