package io.doorstep.signalling.server;

import io.doorstep.documents.EventSignature;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.signalling.auth.TokenService;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.directory.ServiceCatalogue;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * The signalling pipeline, in order: TLS, HTTP, the relay's document events, the HTTP API, the WebSocket protocol,
 * then the session.
 */
final class SignallingServerInitializer extends ChannelInitializer<SocketChannel> {
    /** Frames up to this multiple of the limit are read and answered FRAME_TOO_LARGE; beyond it the connection closes. */
    private static final int HARD_FRAME_LIMIT_FACTOR = 4;

    private final SignallingConfig config;
    private final SslContext ssl;
    private final ProtocolCodec codec;
    private final TokenService tokens;
    private final Switchboard switchboard;
    private final PrometheusMeterRegistry prometheus;
    private final ServiceCatalogue catalogue;
    private final MessageCounter messageCounter;
    private final SignallingMetrics metrics;
    private final WebSocketServerProtocolConfig websocket;
    private final EventSignature documentEvents;
    private final WebPages pages;

    SignallingServerInitializer(SignallingConfig config, SslContext ssl, ProtocolCodec codec, TokenService tokens,
                                Switchboard switchboard, PrometheusMeterRegistry prometheus,
                                ServiceCatalogue catalogue, SignallingMetrics metrics, EventSignature documentEvents) {
        this.config = config;
        this.documentEvents = documentEvents;
        this.ssl = ssl;
        this.codec = codec;
        this.tokens = tokens;
        this.switchboard = switchboard;
        this.prometheus = prometheus;
        this.catalogue = catalogue;
        this.messageCounter = new MessageCounter(metrics);
        this.metrics = metrics;
        this.pages = new WebPages(URI.create(config.documents().url()));
        int hardLimit = config.limits().maxFrameBytes() * HARD_FRAME_LIMIT_FACTOR;
        this.websocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(config.server().websocketPath())
                .checkStartsWith(true) // HttpApiHandler already matched the path; this lets a query string through
                .handshakeTimeoutMillis(10_000)
                .dropPongFrames(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(hardLimit)
                        .allowExtensions(false)
                        .build())
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        int maxFrame = config.limits().maxFrameBytes();
        p.addLast("http", new HttpServerCodec());
        p.addLast("http-aggregator", new HttpObjectAggregator(16 * 1024));
        p.addLast("internal-events", new InternalEventsHandler(documentEvents, switchboard, metrics));
        p.addLast("http-api", new HttpApiHandler(config.server().websocketPath(), config.server().allowedOrigins(),
                tokens, switchboard, prometheus, catalogue, config.metrics().requireAuth(), codec.mapper(), pages));
        p.addLast("websocket", new WebSocketServerProtocolHandler(websocket));
        p.addLast("frame-aggregator", new WebSocketFrameAggregator(maxFrame * HARD_FRAME_LIMIT_FACTOR));
        p.addLast("heartbeat", new IdleStateHandler(config.session().heartbeatTimeout().toMillis(), 0, 0,
                TimeUnit.MILLISECONDS));
        p.addLast("message-counter", messageCounter);
        p.addLast("decoder", new ClientMessageDecoder(codec, maxFrame));
        p.addLast("rate-limit", new RateLimiter(config.limits().messagesPerSecond(), config.limits().burst()));
        p.addLast("session", new SignallingHandler(switchboard, tokens, config.auth().helloTimeout().toMillis()));
    }
}
