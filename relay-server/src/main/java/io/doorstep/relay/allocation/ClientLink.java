package io.doorstep.relay.allocation;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The way back to a TURN client: a UDP listener socket and the client's address, or the client's own TCP/TLS
 * connection. Over TCP, ChannelData is padded to a multiple of four bytes (RFC 8656 §12.5).
 */
public interface ClientLink {
    /** Sends one STUN message or ChannelData message to the client; takes ownership of {@code message}. */
    void send(ByteBuf message);

    /** The channel everything of this client runs on (its event loop owns the allocation). */
    Channel channel();

    InetSocketAddress clientAddress();

    /** Whether ChannelData must be padded (stream transports). */
    boolean stream();

    /** The flush that relayed packets to this client wait for. */
    LoopFlush flush();

    /**
     * Sends a relayed packet (read at {@code arrivedAtNanos}) to the client, flushed with the others of this turn
     * of the event loop; takes ownership of {@code message}.
     */
    default void forward(ByteBuf message, long arrivedAtNanos) {
        send(message);
        flush().written(arrivedAtNanos);
    }

    /** A client reached through a shared UDP listener socket. */
    record Udp(Channel channel, InetSocketAddress clientAddress, LoopFlush flush) implements ClientLink {
        @Override
        public void send(ByteBuf message) {
            channel.write(new DatagramPacket(message, clientAddress), channel.voidPromise());
        }

        @Override
        public boolean stream() {
            return false;
        }
    }

    /** A client on its own TCP or TLS connection. */
    record Stream(Channel channel, LoopFlush flush) implements ClientLink {
        @Override
        public void send(ByteBuf message) {
            channel.write(message, channel.voidPromise());
        }

        @Override
        public InetSocketAddress clientAddress() {
            return (InetSocketAddress) channel.remoteAddress();
        }

        @Override
        public boolean stream() {
            return true;
        }
    }
}
