package io.doorstep.relay.transport;

import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.turn.TurnGateway;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.doorstep.relay.turn.UdpSockets;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing sockets: UDP (several sockets on one port with SO_REUSEPORT under epoll, so the kernel spreads
 * clients over the event loops), TCP, and TLS. Each client's allocation lives on the event loop of its socket.
 */
public final class TurnServer {
    /** Bytes queued for one TCP/TLS client before the relay drops its packets instead (see PeerHandler). */
    private static final WriteBufferWaterMark STREAM_WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    /** Ports tried when the configured port is 0 (any) before giving up on finding one free for UDP and TCP. */
    static final int ANY_PORT_ATTEMPTS = 20;
    private static final Logger log = LoggerFactory.getLogger(TurnServer.class);

    private final Transports transports;
    private final TurnGateway gateway;
    private final RelayMetrics metrics;
    private final List<Channel> channels = new ArrayList<>();

    public TurnServer(Transports transports, TurnGateway gateway, RelayMetrics metrics) {
        this.transports = transports;
        this.gateway = gateway;
        this.metrics = metrics;
    }

    /**
     * Binds UDP and TCP on the same port; returns the UDP address bound. With {@code port} 0 the OS picks a free UDP
     * port and TCP takes the same number, which another socket of the host may already hold for TCP: then both are
     * given up and another port is tried, up to {@value #ANY_PORT_ATTEMPTS} times.
     */
    public InetSocketAddress bindUdpAndTcp(String host, int port, int udpSockets) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int before = channels.size();
            try {
                InetSocketAddress bound = bindUdp(host, port, udpSockets);
                bindStream(host, bound.getPort(), null);
                return bound;
            } catch (Exception e) { // sync() rethrows the bind's IOException undeclared
                List<Channel> failed = channels.subList(before, channels.size());
                failed.forEach(c -> c.close().syncUninterruptibly());
                failed.clear();
                if (port != 0 || attempt == ANY_PORT_ATTEMPTS || !addressInUse(e)) {
                    throw e;
                }
                log.debug("binding UDP and TCP on one port failed ({}); trying another port", e.toString());
            }
        }
    }

    /**
     * Binds the UDP sockets, all on one port (the first one's, when {@code port} is 0), on each of the
     * {@link ListenAddresses#udp listen addresses}; returns {@code host} with that port.
     */
    private InetSocketAddress bindUdp(String host, int port, int udpSockets) throws InterruptedException {
        List<InetAddress> addresses = ListenAddresses.udp(host);
        int bound = port;
        for (InetAddress address : addresses) {
            bound = bindUdp(address, bound, udpSockets);
        }
        log.info("turn udp sockets addresses={} port={}", addresses, bound);
        return new InetSocketAddress(host, bound);
    }

    private int bindUdp(InetAddress address, int port, int udpSockets) throws InterruptedException {
        EventLoopGroup group = transports.group();
        int sockets = transports.reusePort() ? Math.max(1, udpSockets) : 1;
        int bound = port;
        for (int i = 0; i < sockets; i++) {
            Bootstrap b = UdpSockets.configure(new Bootstrap().group(group), transports.datagram(), 4 << 20)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline().addLast("turn", new UdpTurnHandler(gateway, metrics));
                        }
                    });
            if (transports.reusePort()) { // native: several sockets share the port, the kernel spreads clients
                b.option(UnixChannelOption.SO_REUSEPORT, true);
            }
            Channel ch = b.bind(address, bound).sync().channel();
            channels.add(ch);
            bound = ((InetSocketAddress) ch.localAddress()).getPort();
        }
        return bound;
    }

    /** Binds a TCP listener, with TLS when {@code ssl} is set. */
    public InetSocketAddress bindStream(String host, int port, SslContext ssl) throws InterruptedException {
        Channel ch = new ServerBootstrap().group(transports.group()).channel(transports.server())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, STREAM_WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", oneRecordPerMessage(ssl.newHandler(ch.alloc())));
                        }
                        ch.pipeline().addLast("framing", new StreamFrameDecoder(metrics));
                        ch.pipeline().addLast("turn", new StreamTurnHandler(gateway, metrics));
                    }
                })
                .bind(host, port).sync().channel();
        channels.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    /**
     * Wraps every TURN message written to a TLS client in its own TLS record. TLS is a byte stream and RFC 8656
     * §12.5 frames messages by their own length, but clients in the field read one message per record: coturn's
     * {@code turnutils_uclient} 4.6.1 takes each {@code SSL_read} as exactly one message and loses the rest of a
     * record that holds several. coturn's own server writes a record per message, so clients tested only against
     * it may rely on that. By default SslHandler packs everything queued before a flush into records of up to
     * 16 KiB; a wrap data size of 0 wraps each write on its own (the records still leave in one flush). The cost is
     * a record header and tag (about 22-29 bytes) per message and one SSLEngine#wrap call per message.
     */
    static SslHandler oneRecordPerMessage(SslHandler tls) {
        tls.setWrapDataSize(0);
        return tls;
    }

    /** Whether a bind failed because the port is taken (NIO: BindException; epoll: its own IOException). */
    public static boolean addressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    public void stop() {
        channels.forEach(c -> c.close().syncUninterruptibly());
    }

    /** The Netty transport classes to use: epoll where the OS has it, NIO otherwise. */
    public record Transports(EventLoopGroup group, Class<? extends DatagramChannel> datagram,
                             Class<? extends ServerSocketChannel> server, boolean reusePort) {
    }
}
