package io.doorstep.relay.turn;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;

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

    /** Makes {@code b} create {@code type} channels, with the read options that suit that transport. */
    public static Bootstrap configure(Bootstrap b, Class<? extends DatagramChannel> type, int socketBufferBytes) {
        b.channel(type).option(ChannelOption.SO_RCVBUF, socketBufferBytes)
                .option(ChannelOption.SO_SNDBUF, socketBufferBytes)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        if (!EpollDatagramChannel.class.isAssignableFrom(type)) { // one datagram per read call: read until empty
            return b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(TurnSettings.MAX_DATAGRAM));
        }
        return b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, TurnSettings.MAX_DATAGRAM)
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new BurstReads(TurnSettings.MAX_DATAGRAM, TurnSettings.MAX_DATAGRAM * SLOTS, MAX_READS));
    }
}
