package io.doorstep.relay.server;

import io.doorstep.relay.stun.Integrity;
import io.doorstep.relay.stun.StunCodec;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunParseException;
import io.doorstep.relay.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small STUN/TURN client over a real socket, as a browser's TURN client would talk to the relay: UDP datagrams,
 * or a TCP (or TLS) stream carrying STUN messages and ChannelData each framed by its own length (RFC 8656 §12.5).
 * Messages are built and read with the relay's own codec; everything else (framing, padding) is done here by hand.
 */
public abstract class StunClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(3);
    /** How long to listen before concluding that nothing was sent (after a counter proved the drop). */
    public static final Duration QUIET = Duration.ofMillis(150);

    public enum Transport { UDP, TCP }

    public static StunClient open(Transport transport, InetSocketAddress server) throws IOException {
        return transport == Transport.UDP ? udp(server) : tcp(server);
    }

    public static StunClient udp(InetSocketAddress server) throws IOException {
        return new Udp(server, server.getAddress());
    }

    /** UDP from a chosen local address, e.g. 127.0.0.2 to look like another host. */
    public static StunClient udp(InetSocketAddress server, java.net.InetAddress local) throws IOException {
        return new Udp(server, local);
    }

    public static StunClient tcp(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.connect(server, 3000);
        return new Stream(s);
    }

    /** TLS, trusting only the test certificate {@code tls/relay-test.crt}. */
    public static StunClient tls(InetSocketAddress server) throws IOException {
        try (InputStream pem = StunClient.class.getResourceAsStream("/tls/relay-test.crt")) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("relay", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
            s.connect(server, 3000);
            s.setSoTimeout(3000);
            s.startHandshake();
            return new Stream(s);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** Sends bytes as they are: one datagram, or written to the stream in one piece. */
    public abstract void sendRaw(byte[] bytes) throws IOException;

    /** The next datagram, or the next frame of the stream (padding included); null if none came in time. */
    public abstract Frame receive(Duration timeout) throws IOException;

    public abstract InetSocketAddress localAddress();

    @Override
    public abstract void close() throws IOException;

    /** Whether this is a stream transport, where ChannelData is padded to 4 bytes. */
    public abstract boolean stream();

    public static byte[] encode(StunMessage message, Integrity integrity, boolean fingerprint) {
        ByteBuf buf = StunCodec.encode(message, UnpooledByteBufAllocator.DEFAULT, integrity, fingerprint);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    public void send(StunMessage message) throws IOException {
        sendRaw(encode(message, null, false));
    }

    /** ChannelData: header, data and, on streams, zero padding to a multiple of 4. */
    public void sendChannelData(int channel, byte[] data) throws IOException {
        sendRaw(channelData(channel, data, stream()));
    }

    public static byte[] channelData(int channel, byte[] data, boolean padded) {
        int padding = padded ? (4 - data.length % 4) % 4 : 0;
        ByteBuffer b = ByteBuffer.allocate(4 + data.length + padding);
        b.putShort((short) channel).putShort((short) data.length).put(data);
        return b.array();
    }

    /** Sends {@code request} (already encoded) and waits for the response with its transaction ID. */
    public Frame transact(byte[] request) throws IOException {
        sendRaw(request);
        return awaitResponse(transactionId(request), WAIT);
    }

    /** Waits for the response to {@code tid}, passing over anything else (Data indications, ChannelData). */
    public Frame awaitResponse(TransactionId tid, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int skipped = 0; skipped < 100; skipped++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Frame f = receive(Duration.ofNanos(left));
            if (f == null) {
                break;
            }
            if (!f.isChannelData() && f.stun().messageClass().isResponse() && f.stun().transactionId().equals(tid)) {
                return f;
            }
        }
        throw new AssertionError("no response to transaction " + tid + " within " + timeout);
    }

    static TransactionId transactionId(byte[] message) {
        return decode(message).transactionId();
    }

    static StunMessage decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return StunCodec.decode(buf);
        } catch (StunParseException e) {
            throw new AssertionError("not a STUN message: " + ByteBufUtil.hexDump(bytes), e);
        } finally {
            buf.release();
        }
    }

    /** One datagram or stream frame received from the relay. */
    public record Frame(byte[] raw) {
        public boolean isChannelData() {
            return raw.length >= 4 && (raw[0] & 0xC0) == 0x40;
        }

        public int channel() {
            return ((raw[0] & 0xFF) << 8) | (raw[1] & 0xFF);
        }

        /** The application data of a ChannelData message, without header or padding. */
        public byte[] channelPayload() {
            int length = ((raw[2] & 0xFF) << 8) | (raw[3] & 0xFF);
            return Arrays.copyOfRange(raw, 4, 4 + length);
        }

        public StunMessage stun() {
            return decode(raw);
        }

        public boolean verifies(byte[] key) {
            ByteBuf buf = Unpooled.wrappedBuffer(raw);
            try {
                return StunCodec.verifyIntegrity(buf, key);
            } finally {
                buf.release();
            }
        }

        public boolean fingerprintVerifies() {
            ByteBuf buf = Unpooled.wrappedBuffer(raw);
            try {
                return StunCodec.verifyFingerprint(buf);
            } finally {
                buf.release();
            }
        }

        @Override
        public String toString() {
            return isChannelData() ? "ChannelData[0x" + Integer.toHexString(channel()) + ", " + raw.length + " bytes]"
                    : stun().describe() + " " + stun().attributes();
        }
    }

    private static final class Udp extends StunClient {
        private final DatagramSocket socket;
        private final InetSocketAddress server;

        Udp(InetSocketAddress server, java.net.InetAddress local) throws IOException {
            this.server = server;
            this.socket = new DatagramSocket(new InetSocketAddress(local, 0));
        }

        @Override
        public void sendRaw(byte[] bytes) throws IOException {
            socket.send(new DatagramPacket(bytes, bytes.length, server));
        }

        @Override
        public Frame receive(Duration timeout) throws IOException {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (!server.equals(p.getSocketAddress())) {
                throw new AssertionError("datagram from " + p.getSocketAddress() + ", not the relay " + server);
            }
            return new Frame(Arrays.copyOf(buf, p.getLength()));
        }

        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public boolean stream() {
            return false;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** TCP or TLS. */
    public static final class Stream extends StunClient {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        Stream(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        @Override
        public void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Writes one byte at a time, so the relay sees the message in many TCP segments. */
        public void sendInPieces(byte[] bytes) throws IOException {
            for (byte b : bytes) {
                out.write(b);
                out.flush();
            }
        }

        @Override
        public Frame receive(Duration timeout) throws IOException {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            byte[] head = new byte[4];
            try {
                in.readFully(head);
            } catch (SocketTimeoutException e) {
                return null;
            }
            socket.setSoTimeout((int) WAIT.toMillis()); // the rest of a frame follows at once
            int length = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
            int rest;
            if ((head[0] & 0xC0) == 0) {
                rest = 16 + length;
            } else if ((head[0] & 0xC0) == 0x40) {
                rest = (length + 3) & ~3;
            } else {
                throw new AssertionError("the relay lost framing: first byte " + (head[0] & 0xFF));
            }
            byte[] frame = Arrays.copyOf(head, 4 + rest);
            in.readFully(frame, 4, rest);
            return new Frame(frame);
        }

        /**
         * One read of the stream, whatever it returns; null if nothing came in time or the stream ended. Over TLS the
         * JDK's socket returns the plaintext of at most one TLS record per read, so this shows how the relay cut its
         * records.
         */
        public byte[] readOnce(Duration timeout) throws IOException {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            byte[] buf = new byte[65536];
            try {
                int n = in.read(buf);
                return n < 0 ? null : Arrays.copyOf(buf, n);
            } catch (SocketTimeoutException e) {
                return null;
            }
        }

        /** Whether the relay closes the connection within {@code timeout} (reads to end of stream). */
        public boolean closedByRelay(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                for (int i = 0; i < 1000; i++) {
                    if (in.read() < 0) {
                        return true;
                    }
                }
                return false;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (EOFException | SocketException e) {
                return true; // reset
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public boolean stream() {
            return true;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
