package io.doorstep.loadtest.client;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;

/** The client pipeline, in order: HTTP for the upgrade, the WebSocket protocol, then the bench connection. */
final class BenchChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final int MAX_HANDSHAKE_RESPONSE_BYTES = 8192;

    private final WebSocketClientProtocolConfig websocket;
    private final BenchConnection connection;

    BenchChannelInitializer(WebSocketClientProtocolConfig websocket, BenchConnection connection) {
        this.websocket = websocket;
        this.connection = connection;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(
                new HttpClientCodec(),
                new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE_BYTES),
                new WebSocketClientProtocolHandler(websocket),
                connection);
    }
}
