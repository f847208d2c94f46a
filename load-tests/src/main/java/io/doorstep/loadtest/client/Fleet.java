package io.doorstep.loadtest.client;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of a benchmark: every connection shares one event loop group (epoll where the OS has it), so
 * thousands of clients cost no threads of their own. Connections are spread over several local source addresses
 * when given, since one address has only some 28,000 ephemeral ports towards one server port. Against a cluster,
 * each connection goes to the node its login names (an index into the servers' URLs).
 */
public final class Fleet implements AutoCloseable {
    private static final int MAX_SERVER_FRAME_BYTES = 1 << 20;

    /** How to reach the server (or the nodes of a cluster, at least one) and how hard to push sign-ins. */
    public record Options(List<URI> urls, int ioThreads, List<String> sourceAddresses, int signInParallelism,
                          Duration signInTimeout) {
        public Options {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("no server to connect to");
            }
            urls = List.copyOf(urls);
        }
    }

    /**
     * One connection to open: its token, who listens to it, the session it resumes (null: a fresh one), and the
     * node it connects to (an index into {@link Options#urls}, taken modulo their number).
     */
    public record Login(String token, ConnectionListener listener, ClientMessage.Resume resume, int node) {
        public Login(String token, ConnectionListener listener) {
            this(token, listener, null, 0);
        }

        public Login(String token, ConnectionListener listener, ClientMessage.Resume resume) {
            this(token, listener, resume, 0);
        }
    }

    /** One node to connect to: its address and its WebSocket handshake. */
    private record Server(InetSocketAddress address, WebSocketClientProtocolConfig websocket) {
    }

    private final Options options;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<Server> servers;
    private final List<InetSocketAddress> sources;
    private final AtomicInteger nextSource = new AtomicInteger();
    private final ProtocolCodec codec = new ProtocolCodec();

    public Fleet(Options options) {
        this.options = options;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(options.ioThreads(), io);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.signInTimeout().toMillis());
        this.servers = options.urls().stream().map(url -> new Server(new InetSocketAddress(url.getHost(),
                url.getPort()), WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(url)
                .generateOriginHeader(false) // not a browser: judged by its token alone
                .maxFramePayloadLength(MAX_SERVER_FRAME_BYTES)
                .handshakeTimeoutMillis(options.signInTimeout().toMillis())
                .build())).toList();
        this.sources = options.sourceAddresses().stream().map(a -> new InetSocketAddress(a, 0)).toList();
    }

    /** How many nodes the connections are spread over. */
    public int nodes() {
        return servers.size();
    }

    /**
     * An event loop of the clients, to time work on: with one I/O thread (the default) it is the loop every
     * connection writes from.
     */
    public ScheduledExecutorService timer() {
        return group.next();
    }

    /** Opens one connection to the login's node; it signs in (or resumes) by itself. */
    public BenchConnection connect(Login login) {
        BenchConnection connection = new BenchConnection(codec, login.token(), login.resume(), login.listener());
        InetSocketAddress source = sources.get(Math.floorMod(nextSource.getAndIncrement(), sources.size()));
        Server server = servers.get(Math.floorMod(login.node(), servers.size()));
        bootstrap.clone()
                .handler(new BenchChannelInitializer(server.websocket(), connection))
                .connect(server.address(), source)
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        connection.connectFailed(f.cause());
                    }
                });
        return connection;
    }

    /**
     * Opens and signs in every login, with at most {@code signInParallelism} sign-ins in flight, so the server sees
     * a steady stream rather than a thundering herd. Fails if any sign-in fails or the whole takes longer than
     * {@code signInTimeout}.
     */
    public List<BenchConnection> signIn(List<Login> logins) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + options.signInTimeout().toNanos();
        Semaphore inFlight = new Semaphore(options.signInParallelism());
        List<BenchConnection> connections = new ArrayList<>(logins.size());
        for (Login login : logins) {
            if (!inFlight.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw timedOut(connections, logins.size());
            }
            BenchConnection connection = connect(login);
            connection.signedIn().whenComplete((c, e) -> inFlight.release());
            connections.add(connection);
        }
        CompletableFuture<?>[] all = connections.stream().map(BenchConnection::signedIn)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw timedOut(connections, logins.size());
        } catch (ExecutionException e) {
            long failed = connections.stream().filter(c -> c.signedIn().isCompletedExceptionally()).count();
            throw new IllegalStateException(failed + " of " + logins.size() + " sign-ins failed; first: "
                    + e.getCause().getMessage(), e.getCause());
        }
        return connections;
    }

    private TimeoutException timedOut(List<BenchConnection> connections, int wanted) {
        long done = connections.stream().filter(c -> c.signedIn().isDone()).count();
        return new TimeoutException("only " + done + " of " + wanted + " connections signed in within "
                + options.signInTimeout());
    }

    /**
     * Waits until every client has reached a state (an agent available, say), or fails with {@code what} as the
     * message when one cannot, or with a timeout.
     */
    public static void awaitAll(List<? extends CompletableFuture<?>> futures, Duration timeout, String what)
            throws InterruptedException, TimeoutException {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what, e.getCause());
        }
    }

    /** Signs every connection out and waits (bounded) for the server to close them. */
    public static void signOut(List<BenchConnection> connections, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ChannelFuture> closed = connections.stream().map(BenchConnection::signOut).toList();
        for (ChannelFuture f : closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                f.channel().close();
            }
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
