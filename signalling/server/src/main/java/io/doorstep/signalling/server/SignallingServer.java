package io.doorstep.signalling.server;

import io.doorstep.documents.EventSignature;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.signalling.auth.TokenService;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.directory.ServiceCatalogue;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Binds the signalling port (epoll where the OS has it) and owns its event loops. */
public final class SignallingServer {
    private final SignallingConfig config;
    private final SignallingServerInitializer initializer;
    /** Every open connection (a closed one leaves by itself), so that {@link #stop} closes each explicitly. */
    private final ChannelGroup connections = new DefaultChannelGroup("signalling", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup group;
    private Channel channel;

    public SignallingServer(SignallingConfig config, SslContext ssl, ProtocolCodec codec, TokenService tokens,
                            Switchboard switchboard, PrometheusMeterRegistry prometheus, ServiceCatalogue catalogue,
                            SignallingMetrics metrics, EventSignature documentEvents) {
        this.config = config;
        this.initializer = new SignallingServerInitializer(config, ssl, codec, tokens, switchboard, prometheus,
                catalogue, metrics, documentEvents);
    }

    /** Binds and returns the bound address (the port is chosen by the OS when configured as 0). */
    public InetSocketAddress start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(config.server().ioThreads(), io);
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        channel = new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object accepted) {
                        connections.add((Channel) accepted);
                        ctx.fireChannelRead(accepted);
                    }
                })
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Outgoing bytes queued for one slow client before its connection counts as stuck (see Session).
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 512 * 1024))
                .childHandler(initializer)
                .bind(config.server().host(), config.server().port())
                .sync()
                .channel();
        return (InetSocketAddress) channel.localAddress();
    }

    /** Closes the listening socket and every connection. */
    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        // Closed here, each on its loop while the loops still run their tasks, not left to the loops' own teardown:
        // on a loaded machine that teardown was seen to leave a connection open (its client never saw it close).
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
