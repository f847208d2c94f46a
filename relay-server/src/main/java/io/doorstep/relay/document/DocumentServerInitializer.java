package io.doorstep.relay.document;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.timeout.IdleStateHandler;

/** The document relay's pipeline: HTTP, 100-continue, idle connections, tus decoding, then the logic. */
final class DocumentServerInitializer extends ChannelInitializer<SocketChannel> {
    /** A connection that neither reads nor writes for this long is closed (a reader waiting for an upload stays). */
    static final int IDLE_SECONDS = 120;
    private static final int MAX_CHUNK = 64 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;

    private final DocumentRelay relay;

    DocumentServerInitializer(DocumentRelay relay) {
        this.relay = relay;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(
                new HttpServerCodec(new HttpDecoderConfig().setMaxChunkSize(MAX_CHUNK).setMaxHeaderSize(MAX_HEADERS)),
                new HttpServerExpectContinueHandler(),
                new IdleStateHandler(0, 0, IDLE_SECONDS),
                new TusRequestDecoder(),
                new DocumentHandler(relay));
    }
}
