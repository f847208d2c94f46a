package io.doorstep.relay.server;

import static io.doorstep.relay.server.StunClient.WAIT;
import static io.doorstep.relay.server.TestRelay.ALICE;
import static io.doorstep.relay.server.TestRelay.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay writes every TURN message to a TLS client in a TLS record of its own, even when several leave in one
 * flush: clients in the field (coturn's turnutils_uclient) read one message per record (TurnServer#oneRecordPerMessage;
 * TurnInteropTest runs uclient itself over TLS). This checks it without coturn, reading the records as the JDK's TLS
 * socket hands them over, one per read.
 */
@ExtendWith(LeakCheck.class)
class TlsRecordsTest {
    private static final int CHANNEL = 0x4000;
    /** More datagrams than the relay reads from a peer socket at once, so some leave in one flush. */
    private static final int BURST = 24;

    @TempDir
    Path dir;

    @Test
    void everyChannelDataMessageToATlsClientIsARecordOfItsOwn() throws Exception {
        try (TestRelay relay = TestRelay.start(dir, Map.of("DOORSTEP_TURN_TLS_PORT", TestRelay.FREE_TCP_PORT,
                "DOORSTEP_TURN_TLS_CERT", resource("/tls/relay-test.crt"),
                "DOORSTEP_TURN_TLS_KEY", resource("/tls/relay-test.key")));
             TurnClient client = new TurnClient(StunClient.tls(relay.tlsAddress()), ALICE, ALICE_PASSWORD);
             UdpPeer peer = new UdpPeer()) {
            InetSocketAddress relayed = client.allocateOk();
            client.ok(client.channelBind(CHANNEL, peer.address()));

            for (int i = 0; i < BURST; i++) { // lengths 101..124: padded to 4 bytes on a stream, or not
                peer.send(relayed, payload(i));
            }

            StunClient.Stream tls = (StunClient.Stream) client.io();
            for (int i = 0; i < BURST; i++) {
                byte[] record = tls.readOnce(WAIT);
                assertThat(record).as("record %d", i).isNotNull();
                StunClient.Frame frame = new StunClient.Frame(record);
                assertThat(frame.isChannelData()).as("record %d is ChannelData", i).isTrue();
                assertThat(record).as("record %d holds exactly one padded ChannelData message", i)
                        .hasSize(4 + ((payload(i).length + 3) & ~3));
                assertThat(frame.channel()).isEqualTo(CHANNEL);
                assertThat(frame.channelPayload()).as("payload %d", i).isEqualTo(payload(i));
            }
            assertThat(relay.counter("doorstep.relay.packets", "direction", "to_client")).isEqualTo(BURST);
        }
    }

    private static byte[] payload(int i) {
        byte[] p = new byte[101 + i];
        Arrays.fill(p, (byte) i);
        return p;
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(TlsRecordsTest.class.getResource(name).toURI()).toString();
    }
}
