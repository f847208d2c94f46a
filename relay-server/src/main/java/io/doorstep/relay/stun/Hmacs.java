package io.doorstep.relay.stun;

import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC and CRC over regions of a ByteBuf, with the STUN header's length field replaced as RFC 8489 §14.5–14.7
 * require. Mac objects are not thread-safe and slow to look up, so each thread keeps one per algorithm.
 */
final class Hmacs {

    static final String SHA1 = "HmacSHA1";
    static final String SHA256 = "HmacSHA256";

    private static final ThreadLocal<Mac> MAC_SHA1 = ThreadLocal.withInitial(() -> newMac(SHA1));
    private static final ThreadLocal<Mac> MAC_SHA256 = ThreadLocal.withInitial(() -> newMac(SHA256));
    private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);
    private static final byte[] ZERO_KEY = {0};

    private Hmacs() {
    }

    private static Mac newMac(String algorithm) {
        try {
            return Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks " + algorithm + ", which every Java platform must have", e);
        }
    }

    /**
     * HMAC over the {@code length} bytes at {@code start}, a STUN message prefix, with the 16-bit length field at
     * offset 2 read as {@code lengthField} instead of its stored value.
     */
    static byte[] hmac(String algorithm, byte[] key, ByteBuf buf, int start, int length, int lengthField) {
        Mac mac = (SHA1.equals(algorithm) ? MAC_SHA1 : MAC_SHA256).get();
        try {
            // An empty key is legal in HMAC but refused by SecretKeySpec. HMAC pads short keys with zeros to the
            // block size, so a single zero byte is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? ZERO_KEY : key, algorithm));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        update(mac, buf, start, 2);
        mac.update((byte) (lengthField >>> 8));
        mac.update((byte) lengthField);
        update(mac, buf, start + 4, length - 4);
        return mac.doFinal();
    }

    /** CRC-32 of the {@code length} bytes at {@code start}. */
    static int crc32(ByteBuf buf, int start, int length) {
        CRC32 crc = CRC.get();
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + start, length);
        } else {
            crc.update(buf.nioBuffer(start, length));
        }
        return (int) crc.getValue();
    }

    private static void update(Mac mac, ByteBuf buf, int index, int length) {
        if (buf.hasArray()) {
            mac.update(buf.array(), buf.arrayOffset() + index, length);
        } else {
            mac.update(buf.nioBuffer(index, length));
        }
    }

    /**
     * Constant-time check that {@code received} equals the first {@code received.length} bytes of
     * {@code computed} (MESSAGE-INTEGRITY-SHA256 may be truncated). Lengths are public, so only bytes are timed.
     */
    static boolean matches(byte[] computed, byte[] received) {
        if (received.length > computed.length) {
            return false;
        }
        byte[] prefix = received.length == computed.length ? computed : Arrays.copyOf(computed, received.length);
        return MessageDigest.isEqual(prefix, received);
    }
}
