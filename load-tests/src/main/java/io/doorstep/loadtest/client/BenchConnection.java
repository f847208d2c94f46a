package io.doorstep.loadtest.client;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ServerMessage;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: signs in once the WebSocket handshake is done, pings on the heartbeat the server asks for
 * (acknowledging the last seq, so the server can drop what it keeps for replay), and hands every server message to
 * its listener. Its handler methods and the listener run on the connection's event loop; {@link #send},
 * {@link #execute} and {@link #signOut} may be called from any thread.
 */
public final class BenchConnection extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    private final ProtocolCodec codec;
    private final String token;
    private final ClientMessage.Resume resume;
    private final ConnectionListener listener;
    private final CompletableFuture<BenchConnection> signedIn = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile boolean leaving;
    private long lastSeq;
    private ScheduledFuture<?> heartbeat;
    /** When the outstanding ping was sent; 0 when none is. */
    private long pingSentNanos;

    BenchConnection(ProtocolCodec codec, String token, ClientMessage.Resume resume, ConnectionListener listener) {
        this.codec = codec;
        this.token = token;
        this.resume = resume;
        this.listener = listener;
    }

    /** Completes when the server's welcome arrives; fails if the connection or the sign-in fails first. */
    public CompletableFuture<BenchConnection> signedIn() {
        return signedIn;
    }

    /** Sends a message; safe from any thread. */
    public void send(ClientMessage message) {
        Channel ch = channel;
        ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(message))), ch.voidPromise());
    }

    /** Runs a task on this connection's event loop, the thread its listener is called on. */
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    /** Runs a task on this connection's event loop after a delay; at once (on the calling thread) when it is 0. */
    public void schedule(Runnable task, long delayNanos) {
        if (delayNanos <= 0) {
            task.run();
        } else {
            channel.eventLoop().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Signs out ({@code bye}: the server ends the session without a resume grace) and closes the connection. */
    public ChannelFuture signOut() {
        leaving = true;
        Channel ch = channel;
        if (ch.isActive() && signedIn.isDone() && !signedIn.isCompletedExceptionally()) {
            send(new ClientMessage.Bye(null));
        } else {
            ch.close();
        }
        return ch.closeFuture();
    }

    /** The last seq heard from the server: what a resume asks to be replayed after. On the event loop only. */
    public long lastSeq() {
        return lastSeq;
    }

    /**
     * Drops the connection without a {@code bye}, as a village network does: the server keeps the session for its
     * resume grace and tells the peer of a call that this party is reconnecting.
     */
    public void drop() {
        leaving = true;
        channel.close();
    }

    void connectFailed(Throwable cause) {
        signedIn.completeExceptionally(cause);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            send(new ClientMessage.Hello("hello", token, resume));
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            signedIn.completeExceptionally(new IOException("WebSocket handshake timed out"));
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
        long arrived = System.nanoTime();
        ProtocolCodec.ServerEnvelope envelope = codec.decodeServer(ByteBufUtil.getBytes(frame.content()));
        if (envelope.seq() > 0) {
            lastSeq = envelope.seq();
        }
        ServerMessage message = envelope.message();
        if (message instanceof ServerMessage.Pong && pingSentNanos != 0) {
            listener.onHeartbeat(this, arrived - pingSentNanos);
            pingSentNanos = 0;
        } else if (message instanceof ServerMessage.Welcome welcome) {
            startHeartbeat(ctx, welcome.heartbeat().intervalMs());
            signedIn.complete(this);
        } else if (message instanceof ServerMessage.Error error && !signedIn.isDone()) {
            signedIn.completeExceptionally(new IOException("sign-in refused: " + error.code() + ": "
                    + error.message()));
        }
        listener.onMessage(this, message, arrived);
    }

    /** Pings every interval; the first at a random point in it, so thousands of sessions do not ping in step. */
    private void startHeartbeat(ChannelHandlerContext ctx, long intervalMs) {
        long first = ThreadLocalRandom.current().nextLong(intervalMs);
        heartbeat = ctx.executor().scheduleAtFixedRate(this::ping, first, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void ping() {
        pingSentNanos = System.nanoTime();
        send(new ClientMessage.Ping(null, lastSeq));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        signedIn.completeExceptionally(new IOException("connection closed before sign-in completed"));
        listener.onClosed(this, leaving);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!leaving) {
            System.err.println("bench: connection " + ctx.channel().localAddress() + " failed: " + cause);
        }
        ctx.close();
    }
}
