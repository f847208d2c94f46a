package io.doorstep.relay.document;

import io.doorstep.documents.EventSignature;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;

/**
 * The document relay's pipeline: HTTP, CORS, 100-continue, idle connections, the signalling server's call ends, tus
 * decoding, then the logic.
 */
final class DocumentServerInitializer extends ChannelInitializer<SocketChannel> {
    /** A connection that neither reads nor writes for this long is closed (a reader waiting for an upload stays). */
    static final int IDLE_SECONDS = 120;
    private static final int MAX_CHUNK = 64 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;

    private final DocumentRelay relay;
    private final CorsConfig cors;
    private final EventSignature callEnds;

    DocumentServerInitializer(DocumentRelay relay, List<String> allowedOrigins, EventSignature callEnds) {
        this.relay = relay;
        this.cors = cors(allowedOrigins);
        this.callEnds = callEnds;
    }

    /**
     * Browsers (the web console and station page) may call from the configured origins only (none when the list is
     * empty): a request with any other Origin is answered 403 and its body discarded (short circuit). Requests without an
     * Origin (the SDK, curl) pass. The token, not a cookie, authorises, so no credentials are allowed.
     */
    static CorsConfig cors(List<String> allowedOrigins) {
        return CorsConfigBuilder.forOrigins(allowedOrigins.toArray(String[]::new))
                .allowedRequestMethods(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PATCH,
                        HttpMethod.DELETE, HttpMethod.OPTIONS)
                .allowedRequestHeaders("Authorization", "Content-Type", TusHeaders.TUS_RESUMABLE,
                        TusHeaders.UPLOAD_LENGTH, TusHeaders.UPLOAD_OFFSET, TusHeaders.UPLOAD_METADATA,
                        TusHeaders.UPLOAD_CHECKSUM, TusHeaders.UPLOAD_DEFER_LENGTH, TusHeaders.METHOD_OVERRIDE)
                .exposeHeaders("Location", TusHeaders.UPLOAD_OFFSET, TusHeaders.UPLOAD_LENGTH,
                        TusHeaders.UPLOAD_METADATA, TusHeaders.UPLOAD_EXPIRES, TusHeaders.TUS_VERSION,
                        TusHeaders.TUS_RESUMABLE, TusHeaders.TUS_MAX_SIZE, TusHeaders.TUS_EXTENSION,
                        TusHeaders.TUS_CHECKSUM_ALGORITHM, TusHeaders.DOCUMENT_SHA256, TusHeaders.DOCUMENT_TYPE)
                .maxAge(600)
                .shortCircuit()
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(
                new HttpServerCodec(new HttpDecoderConfig().setMaxChunkSize(MAX_CHUNK).setMaxHeaderSize(MAX_HEADERS)),
                new CorsHandler(cors),
                new HttpServerExpectContinueHandler(),
                new IdleStateHandler(0, 0, IDLE_SECONDS),
                new CallEndHandler(relay, callEnds),
                new TusRequestDecoder(),
                new DocumentHandler(relay));
    }
}
