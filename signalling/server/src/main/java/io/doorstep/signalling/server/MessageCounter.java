package io.doorstep.signalling.server;

import io.doorstep.signalling.metrics.SignallingMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** Counts protocol messages written to clients. */
@ChannelHandler.Sharable
final class MessageCounter extends ChannelOutboundHandlerAdapter {
    private final SignallingMetrics metrics;

    MessageCounter(SignallingMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof TextWebSocketFrame) {
            metrics.messageOut();
        }
        ctx.write(msg, promise);
    }
}
