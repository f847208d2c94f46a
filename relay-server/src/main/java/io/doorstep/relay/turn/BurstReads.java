package io.doorstep.relay.turn;

import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.concurrent.TimeUnit;

/**
 * How an epoll datagram socket reads when it wakes up, by how busy it is. A quiet socket (a relay socket of a
 * call, at 50 packets a second) reads one datagram with recvmsg and stops: one syscall per packet, where recvmmsg
 * costs two (Netty's native code asks getsockopt before each) and reading until the socket is empty a third. A
 * busy socket (woken again within {@link #BUSY_GAP_NANOS}) reads bursts with recvmmsg until a read comes back
 * short. Epoll is level-triggered in Netty 4.2, so a datagram left behind wakes the loop again; nothing is lost.
 */
final class BurstReads extends DefaultMaxMessagesRecvByteBufAllocator {
    /** Wake-ups closer than this mark a socket busy: datagrams are queueing while the loop works. */
    static final long BUSY_GAP_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final int datagramSize;
    private final int burstSize;

    /**
     * @param datagramSize the recvmmsg slot (the channel's MAX_DATAGRAM_PAYLOAD_SIZE): a buffer of one slot makes
     *                     Netty read with recvmsg
     * @param burstSize    the buffer of a busy socket's reads, several slots
     */
    BurstReads(int datagramSize, int burstSize, int maxMessagesPerRead) {
        super(maxMessagesPerRead);
        this.datagramSize = datagramSize;
        this.burstSize = burstSize;
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            private final UncheckedBooleanSupplier filledBuffer = () -> lastBytesRead() == attemptedBytesRead();
            private long lastWakeNanos = System.nanoTime() - BUSY_GAP_NANOS;
            private boolean busy;

            @Override
            public void reset(ChannelConfig config) {
                super.reset(config);
                long now = System.nanoTime();
                busy = now - lastWakeNanos < BUSY_GAP_NANOS;
                lastWakeNanos = now;
            }

            @Override
            public int guess() {
                return busy ? burstSize : datagramSize;
            }

            @Override
            public boolean continueReading(UncheckedBooleanSupplier ignored) {
                // The channel passes "always": judge by the read itself (every slot filled, so more may wait).
                return busy && super.continueReading(filledBuffer);
            }
        };
    }
}
