package io.doorstep.relay.turn;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;

/**
 * How the relay's UDP sockets (client listeners and relay sockets) read: in bursts of whole datagrams up to
 * {@link TurnSettings#MAX_DATAGRAM}, with recvmmsg under epoll, from pooled direct buffers.
 */
public final class UdpSockets {
    /**
     * Datagrams per recvmmsg: three jumbo slots make a 27 KiB buffer, within the 32 KiB the pooled allocator
     * caches per thread. Larger read buffers leave that cache for the arena (and under Netty's default adaptive
     * allocator, for freshly zeroed chunks: a tenth of the relay's CPU in a profile of 500 calls).
     */
    static final int SLOTS = 3;
    /** Reads per socket and wake-up before other sockets get their turn. */
    private static final int MAX_READS = 16;

    private UdpSockets() {
    }

    /** Applies the read options to {@code b}; {@code epoll} when {@code b} makes epoll datagram channels. */
    public static Bootstrap configure(Bootstrap b, boolean epoll, int socketBufferBytes) {
        b.option(ChannelOption.SO_RCVBUF, socketBufferBytes)
                .option(ChannelOption.SO_SNDBUF, socketBufferBytes)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        if (!epoll) { // NIO reads one datagram per call: read until the socket is empty
            return b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(TurnSettings.MAX_DATAGRAM));
        }
        return b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, TurnSettings.MAX_DATAGRAM)
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new BurstReads(TurnSettings.MAX_DATAGRAM * SLOTS, MAX_READS));
    }
}
