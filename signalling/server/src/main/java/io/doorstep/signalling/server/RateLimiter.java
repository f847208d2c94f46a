package io.doorstep.signalling.server;

import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.channel.ChannelFutureListener;
import java.util.function.LongSupplier;

/**
 * A token bucket per connection: {@code rate} messages per second with bursts of {@code burst}. A message over the
 * limit is dropped and answered with RATE_LIMITED; a connection that keeps flooding (another full burst dropped) is
 * closed, so one client cannot keep the server busy answering it. Frames that failed to decode count as messages.
 */
final class RateLimiter extends ChannelInboundHandlerAdapter {
    private final double ratePerNano;
    private final int burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;
    private int droppedInARow;

    RateLimiter(int ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    /** With its own clock, for tests. */
    RateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.nanoTime = nanoTime;
        this.last = nanoTime.getAsLong();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Frames that failed to decode count too: each costs a parse and an error reply.
        String requestId;
        if (msg instanceof Inbound.Message m) {
            requestId = m.message().id();
        } else if (msg instanceof Inbound.Failure f) {
            requestId = f.error().requestId();
        } else {
            ctx.fireChannelRead(msg);
            return;
        }
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
        if (tokens >= 1) {
            tokens--;
            droppedInARow = 0;
            ctx.fireChannelRead(msg);
            return;
        }
        if (++droppedInARow > burst) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "rate limit"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(new Inbound.Failure(new ProtocolException(ErrorCode.RATE_LIMITED, requestId,
                "more than the allowed messages per second; this message was dropped")));
    }
}
