package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ErrorCode;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Which refusals a terminal may present as "try again shortly". */
class DoorstepExceptionTest {
    @Test
    void onlyNotNowRefusalsAreTemporary() {
        EnumSet<ErrorCode> temporary = EnumSet.of(ErrorCode.STATE_UNAVAILABLE, ErrorCode.SERVER_DRAINING,
                ErrorCode.RATE_LIMITED);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(new DoorstepException(code, "refused").temporary()).as(code.name())
                    .isEqualTo(temporary.contains(code));
        }
        assertThat(new DoorstepException("no answer", null).temporary()).as("a timeout is not the server's answer")
                .isFalse();
        assertThat(new DoorstepException(ErrorCode.STATE_UNAVAILABLE, "try again shortly").code())
                .isEqualTo(ErrorCode.STATE_UNAVAILABLE);
    }
}
