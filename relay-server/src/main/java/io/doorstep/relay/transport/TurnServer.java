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
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client-facing sockets: UDP (several sockets on one port with SO_REUSEPORT under epoll, so the kernel spreads
 * clients over the event loops), TCP, and TLS. Each client's allocation lives on the event loop of its socket.
 */
public final class TurnServer {
    /** Bytes queued for one TCP/TLS client before the relay drops its packets instead (see PeerHandler). */
    private static final WriteBufferWaterMark STREAM_WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final Transports transports;
    private final TurnGateway gateway;
    private final RelayMetrics metrics;
    private final List<Channel> channels = new ArrayList<>();

    public TurnServer(Transports transports, TurnGateway gateway, RelayMetrics metrics) {
        this.transports = transports;
        this.gateway = gateway;
        this.metrics = metrics;
    }

    /** Binds UDP (and, when {@code tcp}, TCP on the same port); returns the UDP address bound. */
    public InetSocketAddress bindUdpAndTcp(String host, int port, int udpSockets) throws InterruptedException {
        EventLoopGroup group = transports.group();
        int sockets = transports.reusePort() ? Math.max(1, udpSockets) : 1;
        InetSocketAddress bound = null;
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
            Channel ch = b.bind(host, bound == null ? port : bound.getPort()).sync().channel();
            channels.add(ch);
            bound = bound == null ? (InetSocketAddress) ch.localAddress() : bound;
        }
        bindStream(host, bound.getPort(), null);
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
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("framing", new StreamFrameDecoder(metrics));
                        ch.pipeline().addLast("turn", new StreamTurnHandler(gateway, metrics));
                    }
                })
                .bind(host, port).sync().channel();
        channels.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    public void stop() {
        channels.forEach(c -> c.close().syncUninterruptibly());
    }

    /** The Netty transport classes to use: epoll where the OS has it, NIO otherwise. */
    public record Transports(EventLoopGroup group, Class<? extends DatagramChannel> datagram,
                             Class<? extends ServerSocketChannel> server, boolean reusePort) {
    }
}
