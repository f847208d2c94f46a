package io.doorstep.relay.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/** A peer on the far side of the relay: a plain UDP socket on loopback, as a media server or other client. */
public final class UdpPeer implements AutoCloseable {
    private final DatagramSocket socket;

    public UdpPeer() throws IOException {
        this(TestRelay.LOOPBACK);
    }

    /** A peer on {@code address} (::1 for an IPv6 peer). */
    public UdpPeer(java.net.InetAddress address) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(address, 0));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public void send(InetSocketAddress to, byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    /** The next datagram, or null when none arrives within {@code timeout}. */
    public Datagram receive(Duration timeout) throws IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new Datagram(Arrays.copyOf(buf, p.getLength()), (InetSocketAddress) p.getSocketAddress());
    }

    /** A received datagram and who sent it. */
    public record Datagram(byte[] data, InetSocketAddress sender) {
    }

    @Override
    public void close() {
        socket.close();
    }
}
