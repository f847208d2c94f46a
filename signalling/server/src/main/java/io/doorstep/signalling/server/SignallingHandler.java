package io.doorstep.signalling.server;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ProtocolException;
import io.doorstep.signalling.auth.AuthException;
import io.doorstep.signalling.auth.Principal;
import io.doorstep.signalling.auth.TokenService;
import io.doorstep.signalling.session.Session;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.doorstep.signalling.session.Session;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's sign-in gate: the first message must be a {@code hello} with a valid token, within the hello
 * timeout. After that every message goes to the {@link Switchboard}. Heartbeat silence closes the connection (and
 * the same idle time closes an HTTP keep-alive connection that never became a WebSocket).
 */
final class SignallingHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SignallingHandler.class);

    private final Switchboard switchboard;
    private final TokenService tokens;
    private final long helloTimeoutMs;
    private boolean upgraded;
    private boolean signedIn;
    private ScheduledFuture<?> helloTimer;

    SignallingHandler(Switchboard switchboard, TokenService tokens, long helloTimeoutMs) {
        this.switchboard = switchboard;
        this.tokens = tokens;
        this.helloTimeoutMs = helloTimeoutMs;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            upgraded = true;
            helloTimer = ctx.executor().schedule(() -> {
                if (!signedIn) {
                    switchboard.refuse(ctx.channel(), null, ErrorCode.HELLO_TIMEOUT,
                            "no hello within " + helloTimeoutMs + " ms");
                }
            }, helloTimeoutMs, TimeUnit.MILLISECONDS);
        } else if (evt instanceof IdleStateEvent && !upgraded) {
            // An HTTP keep-alive connection (API, metrics) left idle: no WebSocket to say goodbye on.
            log.debug("idle http connection closed remote={}", ctx.channel().remoteAddress());
            ctx.close();
        } else if (evt instanceof IdleStateEvent) {
            log.info("heartbeat timeout remote={}", ctx.channel().remoteAddress());
            // 1001 "going away" with the reason, so the client knows to reconnect and resume.
            Session.closeChannel(ctx.channel(), WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "heartbeat timeout");
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Inbound.Failure f) {
            ProtocolException e = f.error();
            if (signedIn) {
                switchboard.failure(ctx.channel(), e.code(), e.requestId(), e.getMessage());
            } else {
                switchboard.refuse(ctx.channel(), e.requestId(), e.code(), e.getMessage());
            }
        } else if (msg instanceof Inbound.Message m) {
            if (signedIn) {
                switchboard.message(ctx.channel(), m.message(), m.frameBytes());
            } else {
                signIn(ctx, m.message());
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void signIn(ChannelHandlerContext ctx, ClientMessage message) {
        if (!(message instanceof ClientMessage.Hello hello)) {
            switchboard.refuse(ctx.channel(), message.id(), ErrorCode.NOT_SIGNED_IN, "send hello first");
            return;
        }
        try {
            Principal principal = tokens.verify(hello.token());
            signedIn = true;
            if (helloTimer != null) {
                helloTimer.cancel(false);
            }
            switchboard.hello(ctx.channel(), principal, hello);
        } catch (AuthException e) {
            log.info("sign-in refused remote={} code={}", ctx.channel().remoteAddress(), e.code());
            switchboard.refuse(ctx.channel(), hello.id(), e.code(), e.getMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        if (signedIn) {
            switchboard.connectionClosed(ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // A fragmented message beyond the hard limit (the frame aggregator's): not a bug, an oversized message.
            // Close as the WebSocket decoder does for a single oversized frame, so the client learns why.
            log.info("message too big remote={}", ctx.channel().remoteAddress());
            Session.closeChannel(ctx.channel(), WebSocketCloseStatus.MESSAGE_TOO_BIG, "message too big");
            return;
        }
        if (cause instanceof ClosedChannelException) {
            // A message written (with a void promise) after the connection was closed, e.g. a reply still on its way
            // from the switchboard when the rate limiter closed a flooding connection. Expected; not a bug.
            log.debug("write after close remote={}", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        log.warn("connection error remote={}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
