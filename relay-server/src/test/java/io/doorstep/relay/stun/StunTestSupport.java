package io.doorstep.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/** Hex helpers and an allocator that remembers what it handed out, so tests can prove nothing leaked. */
final class StunTestSupport {

    private StunTestSupport() {
    }

    /**
     * Bytes from hex laid out as the RFCs print it: whitespace ignored, and anything from '#' to the end of a line
     * is a comment.
     */
    static byte[] hex(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n")) {
            int comment = line.indexOf('#');
            digits.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", ""));
        }
        return ByteBufUtil.decodeHexDump(digits);
    }

    static String hex(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }

    /** A reference-counted heap buffer holding {@code bytes}; the test must release it. */
    static ByteBuf buffer(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    /** A pooled direct buffer holding {@code bytes} at a non-zero reader index, to catch index arithmetic bugs. */
    static ByteBuf directOffsetBuffer(byte[] bytes) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 7);
        buf.writeZero(7).writeBytes(bytes).readerIndex(7);
        return buf;
    }

    static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    /** Delegates to the pooled allocator and records every buffer, for {@link #assertAllReleased()}. */
    static final class TrackingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> allocated = new ArrayList<>();
        private final boolean direct;

        TrackingAllocator(boolean direct) {
            super(direct);
            this.direct = direct;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return track(PooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return track(PooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity));
        }

        private ByteBuf track(ByteBuf buf) {
            allocated.add(buf);
            return buf;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return direct;
        }

        int allocations() {
            return allocated.size();
        }

        void assertAllReleased() {
            for (ByteBuf buf : allocated) {
                assertThat(buf.refCnt()).as("refCnt of an encoder buffer after release").isZero();
            }
        }
    }
}
