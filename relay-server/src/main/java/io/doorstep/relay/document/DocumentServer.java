package io.doorstep.relay.document;

import io.doorstep.config.ConfigException;
import io.doorstep.config.Secrets;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.documents.EventSignature;
import io.doorstep.relay.config.RelayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The document relay's HTTP server: tus uploads and progressive downloads on {@code documents.port}. Documents found
 * on disk at start-up (partial uploads included) are served again; expiry and retention are swept every
 * {@code documents.sweep-interval}. {@code listener} hears of every document event (for the signalling server).
 */
public final class DocumentServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DocumentServer.class);

    private final RelayConfig.Documents config;
    private final DiskExecutors disk;
    private final AuditTrail audit;
    private final DocumentRelay relay;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "doorstep-documents-sweep");
        t.setDaemon(true);
        return t;
    });
    private final EventSignature callEnds;
    private Channel channel;

    public DocumentServer(RelayConfig.Documents config, Path dataDir, MeterRegistry registry,
                          DocumentListener listener, Clock clock) {
        this.config = config;
        byte[] secret = Secrets.load(config.tokenSecret(), dataDir, "document-secret");
        DocumentTokens tokens = new DocumentTokens(secret, clock);
        this.callEnds = EventSignature.forCallEnds(secret, clock);
        DocumentStore store = store(config.directory(dataDir));
        DocumentRelay[] self = new DocumentRelay[1];
        DocumentMetrics metrics = new DocumentMetrics(registry, () -> self[0] == null ? 0 : self[0].unfinished());
        this.audit = new AuditTrail(store.dir(), clock);
        this.disk = new DiskExecutors(config.ioThreads());
        this.relay = new DocumentRelay(config, tokens, store, disk, new Listeners(List.of(metrics, audit, listener)),
                metrics, clock);
        self[0] = relay;
        try {
            relay.recover();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot read the documents in " + store.dir(), e);
        }
    }

    private static DocumentStore store(Path dir) {
        try {
            return new DocumentStore(dir);
        } catch (UncheckedIOException e) {
            throw new ConfigException("documents.directory: " + e.getMessage() + " (" + e.getCause() + ")", e);
        }
    }

    /** Binds the port; returns the address bound (the port the OS chose when configured as 0). */
    public InetSocketAddress start(EventLoopGroup group, Class<? extends ServerChannel> type)
            throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(type)
                .childHandler(new DocumentServerInitializer(relay, config.allowedOrigins(), callEnds))
                .bind(config.listenAddress(), config.port()).sync().channel();
        long every = config.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(relay::sweep, every, every, TimeUnit.MILLISECONDS);
        log.info("document relay listening on {} ({} documents on disk)", channel.localAddress(),
                relay.uploads().size());
        return address();
    }

    public InetSocketAddress address() {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        disk.close();
        audit.close();
    }
}
