package io.doorstep.signalling.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.doorstep.protocol.Devices;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.auth.Principal;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session numbers what it sends, keeps it for replay, and sheds a client that stops reading; it tells of its
 * station's kit as it changes and gives it up when it ends.
 */
class SessionTest {
    private final List<String> kitChanges = new ArrayList<>();
    private final Session session = new Session("s-1",
            new Principal("st-test-01", "测试一村", Role.STATION, Instant.MAX), new ProtocolCodec(), 64,
            (before, after) -> kitChanges.add(states(before) + " -> " + states(after)));

    @Test
    void tellsOfEachKitChangeAndGivesTheKitUpWhenItCloses() {
        Devices.Health paperOut = new Devices.Health(Devices.Kind.PRINTER, Devices.State.OUT_OF_PAPER, null, null);
        Devices.Health ready = new Devices.Health(Devices.Kind.PRINTER, Devices.State.READY, null, null);
        session.kit(List.of(paperOut));
        session.kit(List.of(ready));
        session.close(WebSocketCloseStatus.NORMAL_CLOSURE, "signed out");
        session.kit(List.of(paperOut)); // a closed session counts nothing more
        session.close(WebSocketCloseStatus.NORMAL_CLOSURE, "again");

        assertThat(kitChanges).containsExactly("[] -> [PRINTER=OUT_OF_PAPER]",
                "[PRINTER=OUT_OF_PAPER] -> [PRINTER=READY]", "[PRINTER=READY] -> []");
        assertThat(session.kit()).isEmpty();
    }

    private static List<String> states(List<Devices.Health> kit) {
        return kit.stream().map(h -> h.device() + "=" + h.state()).toList();
    }

    @Test
    void numbersMessagesAndReplaysWhatTheClientMissed() {
        EmbeddedChannel first = new EmbeddedChannel();
        session.attach(first, 0);
        session.send(new ServerMessage.Ok("a"));
        session.send(new ServerMessage.Ok("b"));
        assertThat(text(first.readOutbound())).startsWith("{\"seq\":1,\"type\":\"ok\"");
        assertThat(text(first.readOutbound())).startsWith("{\"seq\":2,");
        session.detach();
        session.send(new ServerMessage.Ok("c")); // while away: kept, not written

        EmbeddedChannel second = new EmbeddedChannel();
        assertThat(session.canResumeAfter(1)).isTrue();
        session.attach(second, 1);
        assertThat(text(second.readOutbound())).startsWith("{\"seq\":2,");
        assertThat(text(second.readOutbound())).startsWith("{\"seq\":3,");
        assertFalse(first.finish());
        assertFalse(second.finish());
    }

    @Test
    void clientThatStopsReadingIsDisconnectedWithoutLosingMessages() {
        EmbeddedChannel channel = new EmbeddedChannel();
        session.attach(channel, 0);
        // What Netty reports once more than the high water mark is queued for a client that does not read.
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        session.send(new ServerMessage.Ok("x"));
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(session.canResumeAfter(0)).isTrue();
        assertThat(session.pendingReplay()).isEqualTo(1);
    }

    @Test
    void acknowledgedMessagesAreDroppedAndAResumeBehindThemIsRefused() {
        session.send(new ServerMessage.Ok("a"));
        session.send(new ServerMessage.Ok("b"));
        session.acknowledge(1);
        assertThat(session.pendingReplay()).isEqualTo(1);
        assertThat(session.canResumeAfter(1)).isTrue();
        assertThat(session.canResumeAfter(0)).as("message 1 is gone").isFalse();
        assertThat(session.canResumeAfter(3)).as("never sent").isFalse();
    }

    private static String text(Object frame) {
        TextWebSocketFrame f = (TextWebSocketFrame) frame;
        try {
            return f.content().toString(StandardCharsets.UTF_8);
        } finally {
            f.release();
        }
    }
}
