package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.stun.StunAttribute.ErrorCode;
import io.doorstep.relay.stun.StunAttribute.Lifetime;
import io.doorstep.relay.stun.StunAttribute.RequestedTransport;
import io.doorstep.relay.stun.StunAttribute.Unknown;
import io.doorstep.relay.stun.StunAttribute.UnknownAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;

class StunMessageTest {

    private static final StunMessage REQUEST = StunMessage.of(StunClass.REQUEST, StunMethod.ALLOCATE,
            AttributeRoundTripTest.TID,
            new RequestedTransport(RequestedTransport.UDP),
            new Unknown(0x7001, new byte[0]),
            new Unknown(0xC001, new byte[0]), // comprehension-optional: ignored
            new Unknown(AttributeType.PRIORITY, hex("00000001")),
            new Unknown(0x7001, hex("01")), // repeated: listed once
            new Lifetime(600));

    @Test
    void unknownComprehensionRequiredTypesFeedA420() {
        List<Integer> unknown = REQUEST.unknownComprehensionRequired();
        assertThat(unknown).containsExactly(0x7001, AttributeType.PRIORITY);
        StunMessage response = REQUEST.errorResponse(ErrorCodes.UNKNOWN_ATTRIBUTE, new UnknownAttributes(unknown));
        assertThat(response.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
        assertThat(response.method()).isEqualTo(StunMethod.ALLOCATE);
        assertThat(response.transactionId()).isEqualTo(REQUEST.transactionId());
        assertThat(response.attributes()).containsExactly(new ErrorCode(420, "Unknown Attribute"),
                new UnknownAttributes(List.of(0x7001, 0x0024)));
        assertThat(response.unknownComprehensionRequired()).isEmpty();
    }

    @Test
    void lookupsByRecordAndByType() {
        assertThat(REQUEST.first(Lifetime.class)).contains(new Lifetime(600));
        assertThat(REQUEST.first(ErrorCode.class)).isEmpty();
        assertThat(REQUEST.first(0x7001)).contains(new Unknown(0x7001, new byte[0]));
        assertThat(REQUEST.first(AttributeType.LIFETIME)).contains(new Lifetime(600));
        assertThat(REQUEST.all(Unknown.class)).hasSize(4);
        assertThat(REQUEST.has(AttributeType.REQUESTED_TRANSPORT)).isTrue();
        assertThat(REQUEST.has(AttributeType.DATA)).isFalse();
    }

    @Test
    void responsesKeepMethodAndTransaction() {
        StunMessage ok = REQUEST.successResponse(new Lifetime(300));
        assertThat(ok.describe()).isEqualTo("ALLOCATE SUCCESS RESPONSE");
        assertThat(ok.transactionId()).isEqualTo(REQUEST.transactionId());
        StunMessage fresh = StunMessage.request(StunMethod.REFRESH, new Lifetime(0));
        assertThat(fresh.transactionId()).isNotEqualTo(REQUEST.transactionId());
        assertThat(ErrorCode.of(ErrorCodes.STALE_NONCE).reason()).isEqualTo("Stale Nonce");
        assertThat(ErrorCodes.reasonPhrase(499)).isEqualTo("Error 499");
    }
}
