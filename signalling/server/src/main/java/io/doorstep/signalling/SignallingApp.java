package io.doorstep.signalling;

import com.nimbusds.jose.jwk.JWKSet;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.documents.EventSignature;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.auth.TokenService;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.InMemoryCallStore;
import io.doorstep.signalling.cluster.CallOwners;
import io.doorstep.signalling.cluster.RedisCluster;
import io.doorstep.signalling.call.JsonLinesCallLog;
import io.doorstep.config.ConfigException;
import io.doorstep.config.Secrets;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.dashboard.CallHistory;
import io.doorstep.signalling.dashboard.DashboardFeed;
import io.doorstep.signalling.dashboard.LiveView;
import io.doorstep.signalling.directory.Directory;
import io.doorstep.signalling.directory.DirectoryLoader;
import io.doorstep.signalling.directory.ServiceCatalogue;
import io.doorstep.signalling.directory.SkillGroup;
import io.doorstep.signalling.documents.DocumentAccess;
import io.doorstep.signalling.documents.CallEndNotifier;
import io.doorstep.signalling.documents.DocumentDesk;
import io.doorstep.signalling.documents.InMemoryCallDocuments;
import io.doorstep.signalling.media.IceServerProvider;
import io.doorstep.signalling.media.InMemoryCallRelays;
import io.doorstep.signalling.media.InMemoryRelayFleet;
import io.doorstep.signalling.media.RelayAssignments;
import io.doorstep.signalling.media.RelayFleet;
import io.doorstep.signalling.media.RelaySelection;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.doorstep.signalling.quality.QualityShare;
import io.doorstep.signalling.routing.Dispatcher;
import io.doorstep.signalling.routing.InMemoryAgentRegistry;
import io.doorstep.signalling.routing.InMemoryCallQueue;
import io.doorstep.signalling.routing.LocalAssignments;
import io.doorstep.signalling.routing.StateHealth;
import io.doorstep.signalling.server.SignallingServer;
import io.doorstep.signalling.server.Switchboard;
import io.doorstep.signalling.server.Tls;
import io.doorstep.signalling.session.InMemorySessionDirectory;
import io.doorstep.signalling.session.SessionDirectory;
import io.doorstep.signalling.session.SessionManager;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signalling server assembled from its configuration: the embedded single-box default uses the in-memory
 * stores and a JSON-lines call log on local disk; {@code cluster.state: redis} puts the stores and the call log in
 * Redis, shared with the other nodes (docs/cluster.md), and archives the log into the same file.
 */
public final class SignallingApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignallingApp.class);

    private final SignallingConfig config;
    private final ServiceCatalogue catalogue;
    private final Directory directory;
    private final TokenService tokens;
    private final EventExecutor switchboardThread;
    private final JsonLinesCallLog callLog;
    private final RedisCluster cluster;
    private final Switchboard switchboard;
    private final SignallingServer server;
    private final PrometheusMeterRegistry prometheus;
    private InetSocketAddress address;

    public SignallingApp(SignallingConfig config) throws IOException {
        this.config = config;
        Clock clock = Clock.systemUTC();
        this.catalogue = DirectoryLoader.catalogue(config.directory().catalogue());
        this.directory = DirectoryLoader.directory(config.directory().file(), catalogue);
        this.tokens = tokenService(config, directory, clock);
        ProtocolCodec codec = new ProtocolCodec();
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmGcMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        SignallingMetrics metrics = new SignallingMetrics(prometheus,
                catalogue.skillGroups().stream().map(SkillGroup::code).toList(),
                config.routing().serviceLevelTarget(), clock, ZoneId.systemDefault());
        this.switchboardThread = new DefaultEventExecutor(new DefaultThreadFactory("switchboard"));
        this.callLog = new JsonLinesCallLog(config.callLogFile(), config.callLog().fsync());
        this.cluster = config.cluster().redis() ? RedisCluster.join(config.cluster(), callLog, switchboardThread,
                clock) : null;
        Dispatcher.Stores stores = cluster != null ? cluster.stores() : inMemoryStores(callLog);
        StateHealth health = cluster != null ? cluster.health() : StateHealth.LOCAL;
        RelayFleet relays = cluster != null ? cluster.relayFleet() : new InMemoryRelayFleet();
        switchboardThread.scheduleAtFixedRate(() -> relays.sweep(clock.millis()), 1, 1, TimeUnit.SECONDS);
        IceServerProvider ice = new IceServerProvider(config.media().iceServers(),
                Secrets.load(config.media().turnSecret(), config.dataDir(), "turn-secret"),
                config.media().turnCredentialTtl(), clock,
                new RelayAssignments(relays, cluster != null ? cluster.callRelays() : new InMemoryCallRelays(),
                        RelaySelection.parse(config.media().relaySelection())));
        byte[] documentSecret = Secrets.load(config.documents().tokenSecret(), config.dataDir(), "document-secret");
        DocumentDesk documents = new DocumentDesk(new DocumentAccess(new DocumentTokens(documentSecret, clock),
                config.documents().url(), config.documents().tokenTtl(), clock),
                cluster != null ? cluster.callDocuments() : new InMemoryCallDocuments(), stores.calls(),
                stores.sessions(), stores.callLog(), config.documents().progressInterval(), CallEndNotifier.to(
                config.documents().callEndsUrl(), documentSecret, switchboardThread, clock), switchboardThread, clock);
        CallHistory history = new CallHistory(config.routing().serviceLevelTarget(), DashboardFeed.HISTORY, clock,
                ZoneId.systemDefault());
        Dispatcher dispatcher = new Dispatcher(stores.withCallLog(history.tap(stores.callLog())), directory,
                catalogue, config, ice, metrics, switchboardThread, clock, documents, health);
        DashboardFeed dashboard = new DashboardFeed(new LiveView.Sources(stores.calls(), stores.queue(),
                stores.agents(), stores.sessions(), directory, catalogue, dispatcher::draining, dispatcher::quality,
                () -> relays.live(clock.millis()).stream().map(RelayFleet.Relay::dashboard).toList()),
                history, switchboardThread, clock);
        SessionDirectory sessions = stores.sessions();
        CallOwners owners = cluster != null ? cluster.callOwners() : null;
        SessionManager sessionManager = new SessionManager(sessions, owners != null ? owners.inFrontOf(dispatcher)
                : dispatcher, config, codec, switchboardThread, clock, metrics::stationKitChanged);
        this.switchboard = new Switchboard(switchboardThread, sessionManager, dispatcher, documents, sessions, config,
                metrics, codec, clock, dashboard, relays, health);
        if (cluster != null) {
            cluster.onTakeOver(sessionManager::replacedElsewhere);
            cluster.onReturn(dispatcher::stateReturned);
            metrics.clusterRedisUp(cluster::redisUp);
            cluster.onTakenForDead(switchboard::standDown);
            cluster.onReclaim(r -> dispatcher.reclaimed(r.deadNode(), r.callIds(), r.identities()));
            switchboard.forwarding(owners);
            dispatcher.otherNodes(owners);
            cluster.onCallEvents(e -> CallOwners.apply(e, switchboard, dispatcher, sessions),
                    dispatcher::queueChangedElsewhere);
        }
        this.server = new SignallingServer(config, Tls.serverContext(config.server().tls()), codec, tokens,
                switchboard, prometheus, catalogue, metrics, new EventSignature(documentSecret, clock));
    }

    /** The single box's stores: everything in this process, the call log in its file. */
    private static Dispatcher.Stores inMemoryStores(CallLog callLog) {
        InMemoryCallStore calls = new InMemoryCallStore();
        InMemoryAgentRegistry agents = new InMemoryAgentRegistry();
        return new Dispatcher.Stores(calls, new InMemoryCallQueue(), agents, new InMemorySessionDirectory(), callLog,
                new LocalAssignments(calls, agents), QualityShare.NONE);
    }

    static TokenService tokenService(SignallingConfig config, Directory directory, Clock clock) {
        byte[] secret = Secrets.load(config.auth().hs256Secret(), config.dataDir(), "jwt-secret");
        JWKSet keys = null;
        if (!config.auth().jwksFile().isEmpty()) {
            try {
                keys = JWKSet.load(Path.of(config.auth().jwksFile()).toFile());
            } catch (IOException | ParseException e) {
                throw new ConfigException("auth.jwks-file: cannot read " + config.auth().jwksFile() + ": "
                        + e.getMessage(), e);
            }
        }
        return new TokenService(secret, keys, config.auth().issuer(), config.auth().audience(),
                config.auth().maxClockSkew(), directory, clock);
    }

    public InetSocketAddress start() throws InterruptedException {
        address = server.start();
        log.info("signalling listening address={} tls={} stations={} agents={} service_items={}", address,
                config.server().tls().enabled(), directory.stations().size(), directory.agents().size(),
                catalogue.items().size());
        return address;
    }

    public TokenService tokens() {
        return tokens;
    }

    public Directory directory() {
        return directory;
    }

    public ServiceCatalogue catalogue() {
        return catalogue;
    }

    public SignallingConfig config() {
        return config;
    }

    /** Issues a token for a directory entry (demo tokens, tests). */
    public String token(String id, Role role, Duration ttl) {
        return tokens.issue(id, role, ttl);
    }

    /** Drains (calls in progress may finish within the drain timeout), then stops. */
    @Override
    public void close() {
        Promise<Void> drained = switchboardThread.newPromise();
        switchboard.drain(drained);
        drained.awaitUninterruptibly(config.shutdown().drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        server.stop();
        switchboardThread.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (cluster != null) {
            cluster.close();
        }
        try {
            callLog.close();
        } catch (IOException e) {
            log.error("closing the call log failed", e);
        }
        log.info("signalling stopped");
    }

    /** Holds the node's cluster heartbeat back for {@code pause}, as a long pause would (tests). */
    void stallHeartbeat(Duration pause) {
        cluster.stallHeartbeat(pause);
    }

    /**
     * Stops as a killed process would, for tests: no drain and no leave; its heartbeat stops, its sockets and then its
     * Redis connections just close, and nothing it still had queued touches the shared state.
     */
    void crash() {
        if (cluster != null) {
            cluster.stopHeartbeat();
        }
        // tasks still queued die with the switchboard, as they would with a killed process
        switchboardThread.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
        server.stop();
        if (cluster != null) {
            cluster.halt();
        }
        try {
            callLog.close();
        } catch (IOException e) {
            log.error("closing the call log failed", e);
        }
        log.info("signalling crashed (test)");
    }
}
