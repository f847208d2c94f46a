package io.doorstep.relay.document;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over buffers and files. */
final class Digests {
    private static final int READ_CHUNK = 64 * 1024;

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static MessageDigest copy(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 implementation cannot be cloned", e);
        }
    }

    /** Adds the readable bytes of {@code buf} without moving its reader index. */
    static void update(MessageDigest d, ByteBuf buf) {
        for (ByteBuffer b : buf.nioBuffers(buf.readerIndex(), buf.readableBytes())) {
            d.update(b);
        }
    }

    /** The digest of bytes [0, length) of {@code file}. */
    static MessageDigest of(FileChannel file, long length) throws IOException {
        MessageDigest d = sha256();
        ByteBuffer b = ByteBuffer.allocate(READ_CHUNK);
        for (long pos = 0; pos < length; ) {
            b.clear().limit((int) Math.min(READ_CHUNK, length - pos));
            int n = file.read(b, pos);
            if (n < 0) {
                throw new IOException("the document file is shorter than its offset");
            }
            d.update(b.flip());
            pos += n;
        }
        return d;
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
