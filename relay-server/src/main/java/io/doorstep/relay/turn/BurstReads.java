package io.doorstep.relay.turn;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Reads datagrams into buffers of one fixed size (recvmmsg slots under epoll) and stops reading a socket at the
 * first short read. Netty reads until a read comes back empty, which costs a second recvmmsg (and the getsockopt
 * its native code makes before each) for every wake-up of a socket that had one datagram waiting: the common case
 * for a relay socket of a call, at 50 packets a second. Epoll is level-triggered in Netty 4.2, so datagrams that
 * arrived after the short read wake the loop again; nothing is left behind.
 */
final class BurstReads extends DefaultMaxMessagesRecvByteBufAllocator {
    private final int bufferSize;

    BurstReads(int bufferSize, int maxMessagesPerRead) {
        super(maxMessagesPerRead);
        this.bufferSize = bufferSize;
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            private final UncheckedBooleanSupplier filledBuffer = () -> lastBytesRead() == attemptedBytesRead();

            @Override
            public int guess() {
                return bufferSize;
            }

            @Override
            public boolean continueReading(UncheckedBooleanSupplier ignored) {
                // The channel passes "always": judge by the read itself (every slot filled, so more may wait).
                return super.continueReading(filledBuffer);
            }
        };
    }
}
