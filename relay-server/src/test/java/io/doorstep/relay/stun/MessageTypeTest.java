package io.doorstep.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageTypeTest {

    /** Values as they appear in captures and in RFC 8489 §5 / RFC 8656 / RFC 6062 examples. */
    @ParameterizedTest(name = "{0} {1} = 0x{2}")
    @CsvSource({
        "1,   REQUEST,          0001",  // Binding request
        "1,   INDICATION,       0011",
        "1,   SUCCESS_RESPONSE, 0101",  // Binding success (RFC 5769 §2.2)
        "1,   ERROR_RESPONSE,   0111",
        "3,   REQUEST,          0003",  // Allocate
        "3,   SUCCESS_RESPONSE, 0103",
        "3,   ERROR_RESPONSE,   0113",  // 401 to the first Allocate
        "4,   REQUEST,          0004",  // Refresh
        "6,   INDICATION,       0016",  // Send indication
        "7,   INDICATION,       0017",  // Data indication
        "8,   SUCCESS_RESPONSE, 0108",  // CreatePermission success
        "9,   REQUEST,          0009",  // ChannelBind
        "9,   ERROR_RESPONSE,   0119",
        "10,  REQUEST,          000a",  // Connect (RFC 6062)
        "11,  SUCCESS_RESPONSE, 010b",  // ConnectionBind success
        "12,  INDICATION,       001c",  // ConnectionAttempt indication
        "4095, ERROR_RESPONSE,  3fff",  // every bit set
        "0,   REQUEST,          0000",
    })
    void encodesAndDecodesKnownTypes(int method, StunClass messageClass, String hex) {
        int type = Integer.parseInt(hex, 16);
        assertThat(MessageType.encode(method, messageClass)).isEqualTo(type);
        assertThat(MessageType.method(type)).isEqualTo(method);
        assertThat(MessageType.messageClass(type)).isEqualTo(messageClass);
    }

    @Test
    void everyMethodAndClassRoundTrips() {
        for (int method = 0; method <= 0xFFF; method++) {
            for (StunClass c : StunClass.values()) {
                int type = MessageType.encode(method, c);
                assertThat(type & 0xC000).isZero();
                assertThat(MessageType.method(type)).isEqualTo(method);
                assertThat(MessageType.messageClass(type)).isEqualTo(c);
            }
        }
    }

    @Test
    void methodsHaveRegistryNamesAndSharedConstants() {
        assertThat(StunMethod.of(0x009)).isSameAs(StunMethod.CHANNEL_BIND);
        assertThat(StunMethod.CHANNEL_BIND.name()).isEqualTo("CHANNEL-BIND");
        assertThat(StunMethod.CONNECTION_ATTEMPT.code()).isEqualTo(0x00C);
        assertThat(StunMethod.of(0x002).isKnown()).isFalse(); // the retired SharedSecret
        assertThat(StunMethod.of(0x0ABC)).hasToString("0xABC").isEqualTo(new StunMethod(0xABC));
        assertThatThrownBy(() -> new StunMethod(0x1000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(StunClass.fromBits(0b10)).isEqualTo(StunClass.SUCCESS_RESPONSE);
    }
}
