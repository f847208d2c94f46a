package io.doorstep.relay.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.server.LeakCheck;
import io.doorstep.relay.stun.StunCodec;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Framing of a TCP/TLS byte stream into STUN messages and padded ChannelData (RFC 8656 §12.5). */
@ExtendWith(LeakCheck.class)
class StreamFrameDecoderTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new StreamFrameDecoder(new RelayMetrics(registry, () -> 0)));
    private final List<ByteBuf> written = new ArrayList<>();

    @AfterEach
    void allInputReleased() {
        assertThat(written).allSatisfy(b -> assertThat(b.refCnt()).as("input buffer released").isZero());
    }

    private void write(byte[] bytes) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        written.add(buf);
        channel.writeInbound(buf);
    }

    private byte[] readFrame() {
        ByteBuf frame = channel.readInbound();
        if (frame == null) {
            return null;
        }
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static byte[] binding() {
        ByteBuf b = StunCodec.encode(StunMessage.request(StunMethod.BINDING), UnpooledByteBufAllocator.DEFAULT, null, true);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private double malformed() {
        return registry.get("doorstep.relay.dropped").tag("reason", "malformed").counter().count();
    }

    @Test
    void aMessageSplitAcrossReadsComesOutWhole() {
        byte[] message = binding();

        write(Arrays.copyOfRange(message, 0, 3));
        assertThat(readFrame()).as("not even a header yet").isNull();
        write(Arrays.copyOfRange(message, 3, 21));
        assertThat(readFrame()).isNull();
        write(Arrays.copyOfRange(message, 21, message.length));

        assertThat(readFrame()).isEqualTo(message);
        assertThat(readFrame()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void paddedChannelDataAndStunInOneReadComeOutAsTwoFrames() {
        byte[] channelData = {0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0};
        byte[] message = binding();
        byte[] both = Arrays.copyOf(channelData, channelData.length + message.length);
        System.arraycopy(message, 0, both, channelData.length, message.length);

        write(both);

        assertThat(readFrame()).as("ChannelData with its padding").isEqualTo(channelData);
        assertThat(readFrame()).isEqualTo(message);
        assertThat(readFrame()).isNull();
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void channelDataWaitsForItsPadding() {
        write(new byte[] {0x7F, (byte) 0xFF, 0x00, 0x01, 9});
        assertThat(readFrame()).isNull();
        write(new byte[] {0, 0});
        assertThat(readFrame()).isNull();
        write(new byte[] {0});
        assertThat(readFrame()).containsExactly(0x7F, 0xFF, 0x00, 0x01, 9, 0, 0, 0);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aStreamThatLosesFramingIsClosedAndCounted() {
        write(new byte[] {(byte) 0x80, 0, 0, 4, 1, 2, 3, 4});

        assertThat(readFrame()).isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(malformed()).isEqualTo(1);
        assertThat(channel.finish()).isFalse();
    }
}
