package io.doorstep.signalling.session;

import io.doorstep.protocol.Devices;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.auth.Principal;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A signed-in client: outlives its connections. While the connection is down (within the grace period) messages
 * are numbered and kept; a resume replays them. Owned by the switchboard thread: not thread-safe.
 */
public final class Session {
    private final String id;
    private final Principal principal;
    private final ProtocolCodec codec;
    private final ReplayBuffer replay;
    private Channel channel;
    private long seq;
    private ScheduledFuture<?> graceTimer;
    private boolean closed;
    private List<Devices.Health> kit = List.of();
    private final KitChanges kitChanges;
    /** For a session held by another node: where what is sent to it goes. Null for a session held here. */
    private final Consumer<ServerMessage> elsewhere;

    /**
     * Told when a station's kit changes: reported afresh, or forgotten with its session. The node's counts of devices
     * follow each change rather than being recounted over every session (which cost a pass over all sessions per
     * switchboard turn).
     */
    @FunctionalInterface
    public interface KitChanges {
        KitChanges NONE = (before, after) -> { };

        void changed(List<Devices.Health> before, List<Devices.Health> after);
    }

    Session(String id, Principal principal, ProtocolCodec codec, int replayCapacity, KitChanges kitChanges) {
        this(id, principal, codec, replayCapacity, kitChanges, null);
    }

    private Session(String id, Principal principal, ProtocolCodec codec, int replayCapacity, KitChanges kitChanges,
                    Consumer<ServerMessage> elsewhere) {
        this.id = id;
        this.principal = principal;
        this.codec = codec;
        this.replay = new ReplayBuffer(replayCapacity);
        this.kitChanges = kitChanges;
        this.elsewhere = elsewhere;
    }

    /**
     * A session another node holds, standing for it while this node, the owner of its call, applies what it sent
     * (docs/cluster.md §3): what is sent to it goes to {@code deliver} (on to that node), unnumbered here.
     */
    public static Session heldElsewhere(String id, Principal principal, Consumer<ServerMessage> deliver) {
        return new Session(id, principal, null, 0, KitChanges.NONE, deliver);
    }

    public String id() {
        return id;
    }

    public Principal principal() {
        return principal;
    }

    public String identityId() {
        return principal.id();
    }

    public Role role() {
        return principal.role();
    }

    /** Whether a connection is attached now. */
    public boolean online() {
        return channel != null;
    }

    public boolean closed() {
        return closed;
    }

    public Channel channel() {
        return channel;
    }

    /** The last seq sent. */
    public long lastSeq() {
        return seq;
    }

    /** Numbers the message, keeps it for replay, and writes it if a connection is attached. */
    public void send(ServerMessage message) {
        if (elsewhere != null) {
            elsewhere.accept(message);
            return;
        }
        if (closed) {
            return;
        }
        byte[] frame = codec.encode(message, ++seq);
        replay.add(seq, frame);
        if (channel == null) {
            return;
        }
        if (!channel.isWritable()) {
            // The client does not read what it is sent: drop the connection rather than buffer without bound.
            // The message is in the replay buffer, so a client that comes back resumes without a gap.
            channel.close();
            return;
        }
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)), channel.voidPromise());
    }

    void acknowledge(long ackSeq) {
        replay.acknowledge(Math.min(ackSeq, seq));
    }

    boolean canResumeAfter(long lastSeq) {
        return lastSeq <= seq && replay.canReplayAfter(lastSeq);
    }

    void attach(Channel ch, long lastSeq) {
        channel = ch;
        for (byte[] frame : replay.after(lastSeq)) {
            ch.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)), ch.voidPromise());
        }
        ch.flush();
    }

    void detach() {
        channel = null;
    }

    /** While the connection is down: how long the session still waits for it to come back. */
    public long graceLeftMillis() {
        return graceTimer == null ? 0 : Math.max(0, graceTimer.getDelay(TimeUnit.MILLISECONDS));
    }

    void graceTimer(ScheduledFuture<?> timer) {
        cancelGraceTimer();
        graceTimer = timer;
    }

    void cancelGraceTimer() {
        if (graceTimer != null) {
            graceTimer.cancel(false);
            graceTimer = null;
        }
    }

    /** Ends the session: closes its connection (if any) with a WebSocket close frame. */
    void close(WebSocketCloseStatus status, String reason) {
        if (!closed) {
            replaceKit(List.of());
        }
        closed = true;
        cancelGraceTimer();
        if (channel != null) {
            closeChannel(channel, status, reason);
            channel = null;
        }
    }

    /** Sends a WebSocket close frame, then closes the connection. */
    public static void closeChannel(Channel ch, WebSocketCloseStatus status, String reason) {
        ch.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** A station's kit as it last reported it (empty until it does). */
    public List<Devices.Health> kit() {
        return kit;
    }

    /** A station's new report replaces its kit. */
    public void kit(List<Devices.Health> devices) {
        if (!closed) {
            replaceKit(List.copyOf(devices));
        }
    }

    private void replaceKit(List<Devices.Health> devices) {
        List<Devices.Health> before = kit;
        kit = devices;
        kitChanges.changed(before, kit);
    }

    int pendingReplay() {
        return replay.size();
    }

    @Override
    public String toString() {
        return "Session[" + id + " " + principal.role().wireName() + " " + principal.id() + "]";
    }
}
