package io.doorstep.relay.turn;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.relay.metrics.RelayMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** A relayed socket's failed sends end in its {@link PeerHandler}, not at the pipeline's tail as warnings. */
class PeerHandlerTest {
    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry(), () -> 0);

    @Test
    void aSendFailingOnTheClosedSocketOfAnEndedAllocationIsNotAnError() {
        EmbeddedChannel relay = new EmbeddedChannel(new PeerHandler(metrics));
        relay.pipeline().fireExceptionCaught(new ClosedChannelException());
        assertThatCode(relay::checkException).doesNotThrowAnyException();
        relay.finishAndReleaseAll();
    }

    @Test
    void withoutItTheFailureWouldReachTheTail() {
        EmbeddedChannel bare = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        bare.pipeline().fireExceptionCaught(new ClosedChannelException());
        assertThatThrownBy(bare::checkException).isInstanceOf(ClosedChannelException.class);
    }
}
