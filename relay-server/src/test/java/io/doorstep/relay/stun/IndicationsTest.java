package io.doorstep.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Send indications read in place: what the relay's packet path relies on, against the general codec. */
class IndicationsTest {
    private static ByteBuf send(InetSocketAddress peer, byte[] data) {
        return StunCodec.encode(StunMessage.of(StunClass.INDICATION, StunMethod.SEND, TransactionId.random(),
                new StunAttribute.XorPeerAddress(peer), new StunAttribute.Data(data)), UnpooledByteBufAllocator.DEFAULT, null, false);
    }

    @Test
    void findsThePeerAndTheDataOfASendIndicationInBothFamilies() throws Exception {
        for (String ip : new String[] {"198.51.100.7", "2001:db8::7"}) {
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(ip), 40001);
            ByteBuf m = send(peer, new byte[] {1, 2, 3});
            try {
                assertThat(Indications.isSend(m)).isTrue();
                int at = Indications.find(m, AttributeType.XOR_PEER_ADDRESS);
                int data = Indications.find(m, AttributeType.DATA);
                assertThat(Indications.xorPeerAddress(m, at)).isEqualTo(peer);
                assertThat(Indications.xorPort(m, at)).isEqualTo(40001);
                assertThat(Indications.xorAddressIs(m, at, peer.getAddress().getAddress())).isTrue();
                assertThat(Indications.xorAddressIs(m, at, InetAddress.getByName("198.51.100.8").getAddress()))
                        .isFalse();
                assertThat(Indications.length(m, data)).isEqualTo(3);
                assertThat(m.getByte(data + 2)).isEqualTo((byte) 3);
            } finally {
                m.release();
            }
        }
    }

    @Test
    void anAttributeRunningPastTheMessageIsNotFound() throws Exception {
        ByteBuf m = send(new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 1), new byte[8]);
        try {
            int data = Indications.find(m, AttributeType.DATA);
            m.setShort(data - 2, 200); // DATA now claims more bytes than the message has

            assertThat(Indications.find(m, AttributeType.DATA)).isEqualTo(-1);
            assertThat(Indications.find(m, AttributeType.XOR_PEER_ADDRESS)).as("still before it").isPositive();
            assertThat(Indications.find(m, AttributeType.SOFTWARE)).isEqualTo(-1);
        } finally {
            m.release();
        }
    }

    @Test
    void otherMessagesAreNotSendIndications() {
        ByteBuf binding = StunCodec.encode(StunMessage.request(StunMethod.BINDING), UnpooledByteBufAllocator.DEFAULT, null, false);
        try {
            assertThat(Indications.isSend(binding)).isFalse();
        } finally {
            binding.release();
        }
    }
}
