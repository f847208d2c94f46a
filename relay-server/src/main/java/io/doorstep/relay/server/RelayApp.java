package io.doorstep.relay.server;

import io.doorstep.config.ConfigException;
import io.doorstep.config.Secrets;
import io.doorstep.documents.EventSignature;
import io.doorstep.documents.SignedPost;
import io.doorstep.relay.allocation.Quotas;
import io.doorstep.relay.allocation.RelayPorts;
import io.doorstep.relay.auth.Credentials;
import io.doorstep.relay.auth.NonceManager;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.document.DocumentEventSender;
import io.doorstep.relay.document.DocumentListener;
import io.doorstep.relay.document.DocumentServer;
import io.doorstep.relay.fleet.LoadReporter;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.policy.PeerAddressPolicy;
import io.doorstep.relay.transport.TurnServer;
import io.doorstep.relay.turn.Allocator;
import io.doorstep.relay.turn.TurnGateway;
import io.doorstep.relay.turn.TurnService;
import io.doorstep.relay.turn.TurnSettings;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The relay assembled from its configuration: TURN over UDP, TCP and TLS, the document relay, and its metrics endpoint. */
public final class RelayApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayApp.class);

    private final RelayConfig config;
    private final EventLoopGroup group;
    private final TurnServer.Transports transports;
    private final TurnServer turn;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InetAddress external;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final DocumentServer documents;
    private final DocumentEventSender documentEvents;
    private final Allocator allocator;
    private final RelayMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private LoadReporter loadReporter;
    private Channel metricsChannel;
    private InetSocketAddress turnAddress;
    private InetSocketAddress tlsAddress;

    public RelayApp(RelayConfig config) {
        this(config, DocumentListener.NONE);
    }

    /** A relay whose document relay tells {@code documents} of every document event (e.g. for the signalling server). */
    public RelayApp(RelayConfig config, DocumentListener documents) {
        this.config = config;
        RelayConfig.Turn t = config.turn();
        // Everything that can fail on a bad configuration comes before anything that holds threads or sockets.
        this.external = externalAddress(t.externalAddress());
        InetAddress relayBind = address(t.relayAddress(), "turn.relay-address");
        InetAddress relayBindV6 = t.relayAddressV6().isEmpty() ? null
                : ipv6(t.relayAddressV6(), "turn.relay-address-v6");
        InetAddress externalV6 = t.externalAddressV6().isEmpty() ? relayBindV6
                : ipv6(t.externalAddressV6(), "turn.external-address-v6");
        byte[] secret = Secrets.load(config.auth().restSecret(), config.dataDir(), "turn-secret");
        this.documentEvents = config.documents().enabled() && config.documents().sendsEvents()
                ? documentEventSender(config) : null;
        this.documents = config.documents().enabled() ? new DocumentServer(config.documents(), config.dataDir(),
                registry, documentEvents == null ? documents : DocumentListener.all(List.of(documents,
                documentEvents)), Clock.systemUTC()) : null;
        this.transports = transports(t.ioThreads());
        this.group = transports.group();
        TurnSettings settings = new TurnSettings(t.realm(), t.software(), t.defaultLifetime(), t.maxLifetime(),
                relayBind, external, config.quotas().bytesPerSecond(), relayBindV6, externalV6);
        Allocator[] allocator = new Allocator[1];
        this.metrics = new RelayMetrics(registry, () -> allocator[0] == null ? 0 : allocator[0].active());
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        allocator[0] = new Allocator(settings, new Quotas(config.quotas().allocationsPerUser(),
                config.quotas().allocationsTotal()), new RelayPorts(t.relayPortMin(), t.relayPortMax()), metrics,
                transports.datagram(), group);
        List<InetAddress> own = new ArrayList<>(List.of(external));
        for (InetAddress a : new InetAddress[] {relayBind, relayBindV6, externalV6}) {
            if (a != null && !a.isAnyLocalAddress()) {
                own.add(a);
            }
        }
        PeerAddressPolicy policy = new PeerAddressPolicy(config.policy().allowed(), config.policy().denied(), own,
                t.relayPortMin(), t.relayPortMax());
        TurnService service = new TurnService(settings,
                new Credentials(config.auth().staticUsers(), secret, Clock.systemUTC()),
                new NonceManager(t.nonceLifetime(), Clock.systemUTC()), policy, allocator[0], metrics);
        this.turn = new TurnServer(transports, new TurnGateway(service, allocator[0], policy, metrics), metrics);
        this.allocator = allocator[0];
    }

    public void start() throws InterruptedException {
        RelayConfig.Turn t = config.turn();
        int sockets = t.udpSockets() > 0 ? t.udpSockets() : Runtime.getRuntime().availableProcessors();
        turnAddress = turn.bindUdpAndTcp(t.listenAddress(), t.port(), sockets);
        if (t.tls().enabled() && t.tlsPort() > 0) {
            tlsAddress = turn.bindStream(t.listenAddress(), t.tlsPort(), tlsContext(t.tls()));
        }
        if (config.metrics().port() > 0) {
            metricsChannel = new ServerBootstrap().group(group)
                    .channel(transports.server())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                    new MetricsHttpHandler(registry, config.metrics().token()));
                        }
                    })
                    .bind(config.metrics().address(), config.metrics().port()).sync().channel();
        }
        if (documents != null) {
            documents.start(group, transports.server());
        }
        if (config.fleet().reports()) {
            loadReporter = loadReporter();
            loadReporter.start();
        }
        log.info("relay listening turn={} (udp+tcp) tls={} external={} relay_ports={}-{} metrics={} documents={}",
                turnAddress, tlsAddress, external.getHostAddress(), t.relayPortMin(), t.relayPortMax(),
                metricsChannel == null ? "off" : metricsChannel.localAddress(),
                documents == null ? "off" : documents.address());
    }

    /** The UDP/TCP TURN address bound (port chosen by the OS when configured as 0). */
    public InetSocketAddress turnAddress() {
        return turnAddress;
    }

    public InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    public InetSocketAddress metricsAddress() {
        return metricsChannel == null ? null : (InetSocketAddress) metricsChannel.localAddress();
    }

    /** The document relay's HTTP address, or null when it is off. */
    public InetSocketAddress documentsAddress() {
        return documents == null ? null : documents.address();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (loadReporter != null) {
            loadReporter.close();
        }
        turn.stop();
        if (metricsChannel != null) {
            metricsChannel.close().syncUninterruptibly();
        }
        if (documents != null) {
            documents.close();
        }
        if (documentEvents != null) {
            documentEvents.close();
        }
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        gcMetrics.close(); // its GC listener would keep this registry, and so this relay, reachable
        registry.close();
        log.info("relay stopped");
    }

    /** Epoll where the OS has it (recvmmsg, sendmmsg, SO_REUSEPORT), NIO otherwise. */
    private static TurnServer.Transports transports(int threads) {
        if (Epoll.isAvailable()) {
            return new TurnServer.Transports(new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory()),
                    EpollDatagramChannel.class, EpollServerSocketChannel.class, true);
        }
        return new TurnServer.Transports(new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory()),
                NioDatagramChannel.class, NioServerSocketChannel.class, false);
    }

    /** Posts document events to the signalling server, signed with a key derived from the document secret. */
    private static DocumentEventSender documentEventSender(RelayConfig config) {
        return new DocumentEventSender(signedPost(config, config.documents().eventsUrl()));
    }

    private static SignedPost signedPost(RelayConfig config, String url) {
        byte[] secret = Secrets.load(config.documents().tokenSecret(), config.dataDir(), "document-secret");
        return new SignedPost(URI.create(url), new EventSignature(secret, Clock.systemUTC()));
    }

    /** Reports this relay, as the fleet section names it or as derived from the addresses it bound, and its load. */
    private LoadReporter loadReporter() {
        RelayConfig.Fleet f = config.fleet();
        String host = external instanceof Inet6Address ? "[" + external.getHostAddress() + "]"
                : external.getHostAddress();
        List<String> urls = f.turnUrls();
        if (urls.isEmpty()) {
            urls = new ArrayList<>(List.of("turn:" + host + ":" + turnAddress.getPort() + "?transport=udp",
                    "turn:" + host + ":" + turnAddress.getPort() + "?transport=tcp"));
            if (tlsAddress != null) {
                urls.add("turns:" + host + ":" + tlsAddress.getPort() + "?transport=tcp");
            }
        }
        String id = f.relayId().isEmpty() ? ("relay-" + external.getHostAddress() + "-" + turnAddress.getPort())
                .replaceAll("[^A-Za-z0-9._:-]", "_") : f.relayId();
        return new LoadReporter(new LoadReporter.Identity(id, f.region(), urls, config.quotas().allocationsTotal()),
                new LoadReporter.Source(allocator::active, metrics::bytesToPeer, metrics::bytesToClient),
                signedPost(config, f.reportUrl()), f.reportInterval(), Clock.systemUTC());
    }

    private static SslContext tlsContext(RelayConfig.Tls tls) {
        try {
            return SslContextBuilder.forServer(Path.of(tls.cert()).toFile(), Path.of(tls.key()).toFile()).build();
        } catch (Exception e) {
            throw new ConfigException("turn.tls: cannot use " + tls.cert() + " / " + tls.key() + ": "
                    + e.getMessage(), e);
        }
    }

    private static InetAddress address(String literal, String key) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new ConfigException(key + ": '" + literal + "' is not an address", e);
        }
    }

    private static InetAddress ipv6(String literal, String key) {
        InetAddress a = address(literal, key);
        if (!(a instanceof Inet6Address)) {
            throw new ConfigException(key + ": '" + literal + "' is not an IPv6 address");
        }
        return a;
    }

    /** The configured external address, or the host's first non-loopback IPv4 address, or 127.0.0.1. */
    static InetAddress externalAddress(String configured) {
        if (!configured.isEmpty()) {
            return address(configured, "turn.external-address");
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a;
                    }
                }
            }
        } catch (SocketException e) {
            log.warn("cannot list network interfaces: {}", e.toString());
        }
        return InetAddress.getLoopbackAddress();
    }
}
