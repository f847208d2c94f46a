package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.buffer;
import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.relay.stun.StunAttribute.Fingerprint;
import io.doorstep.relay.stun.StunAttribute.MessageIntegrity;
import io.doorstep.relay.stun.StunAttribute.MessageIntegritySha256;
import io.doorstep.relay.stun.StunAttribute.Software;
import io.doorstep.relay.stun.StunParseException.Reason;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each {@link Reason}, and the header a server needs to answer a malformed request with 400. */
class StunParseErrorsTest {

    private static final String TID = "0102030405060708090a0b0c";

    /** A Binding request with the given attribute bytes and a correct length field. */
    static byte[] request(String attributesHex) {
        byte[] attributes = hex(attributesHex);
        return hex(String.format("0001 %04x 2112a442 %s %s", attributes.length, TID, hex(attributes)));
    }

    private static StunParseException failure(byte[] bytes) {
        ByteBuf raw = buffer(bytes);
        try {
            StunCodec.decode(raw);
            throw new AssertionError("decoded " + hex(bytes));
        } catch (StunParseException e) {
            assertThat(raw.refCnt()).isEqualTo(1);
            assertThat(raw.readerIndex()).isZero();
            return e;
        } finally {
            raw.release();
        }
    }

    private static StunMessage decode(byte[] bytes) throws StunParseException {
        ByteBuf raw = buffer(bytes);
        try {
            return StunCodec.decode(raw);
        } finally {
            raw.release();
        }
    }

    @Test
    void truncated() {
        assertThat(failure(new byte[0]).reason()).isEqualTo(Reason.TRUNCATED);
        StunParseException shortHeader = failure(hex("0001 0000 2112a442 0102030405060708090a0b"));
        assertThat(shortHeader.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(shortHeader.hasHeader()).isFalse();
        assertThat(shortHeader.transactionId()).isNull();

        StunParseException shortBody = failure(hex("0003 0008 2112a442 " + TID + " 00190004"));
        assertThat(shortBody.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(shortBody.hasHeader()).isTrue();
        assertThat(shortBody.method()).isEqualTo(StunMethod.ALLOCATE);
        assertThat(shortBody.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(shortBody.transactionId()).isEqualTo(TransactionId.of(hex(TID)));
    }

    @Test
    void notStun() {
        assertThat(failure(hex("4000 0010 2112a442 " + TID)).reason()).isEqualTo(Reason.NOT_STUN); // ChannelData
        assertThat(failure(hex("8060 0010 2112a442 " + TID)).reason()).isEqualTo(Reason.NOT_STUN); // RTP
        assertThat(failure(hex("c000 0000 2112a442 " + TID)).hasHeader()).isFalse();
    }

    @Test
    void badMagicCookie() {
        StunParseException rfc3489 = failure(hex("0001 0000 00000000 " + TID));
        assertThat(rfc3489.reason()).isEqualTo(Reason.BAD_MAGIC_COOKIE);
        assertThat(rfc3489.hasHeader()).isFalse(); // without the cookie nothing says this is STUN at all
        // DTLS records start 0x14-0x3F: first two bits are 0, so only the cookie tells them apart.
        assertThat(failure(hex("16fefd 0000 0000 0000 0001 0030 0100002c 0000 0000 0000 0000")).reason())
                .isEqualTo(Reason.BAD_MAGIC_COOKIE);
    }

    @Test
    void badLength() {
        StunParseException notMultipleOf4 = failure(hex("0001 0005 2112a442 " + TID + " 0000000000"));
        assertThat(notMultipleOf4.reason()).isEqualTo(Reason.BAD_LENGTH);
        assertThat(notMultipleOf4.hasHeader()).isTrue();
        StunParseException trailing = failure(hex("0001 0000 2112a442 " + TID + " 00000000"));
        assertThat(trailing.reason()).isEqualTo(Reason.BAD_LENGTH);
        assertThat(trailing.getMessage()).contains("4 bytes beyond");
    }

    @Test
    void attributeOverrun() {
        // SOFTWARE claims 8 bytes, 4 remain.
        StunParseException e = failure(request("8022 0008 61626364"));
        assertThat(e.reason()).isEqualTo(Reason.ATTRIBUTE_OVERRUN);
        assertThat(e.hasHeader()).isTrue();
        // One byte too many. (A value that fits but whose padding does not cannot exist: the length is a multiple
        // of 4 and attributes start aligned, so bad padding always shows up as an overrun.)
        assertThat(failure(request("8022 0009 61626364 65666768")).reason()).isEqualTo(Reason.ATTRIBUTE_OVERRUN);
        assertThat(failure(request("0013 ffff 00000000")).reason()).isEqualTo(Reason.ATTRIBUTE_OVERRUN);
    }

    @Test
    void attributeAfterFingerprint() {
        StunParseException e = failure(request("80280004 00000000 80220004 61626364"));
        assertThat(e.reason()).isEqualTo(Reason.ATTRIBUTE_AFTER_FINGERPRINT);
        assertThat(failure(request("80280004 00000000 80280004 00000000")).reason())
                .isEqualTo(Reason.ATTRIBUTE_AFTER_FINGERPRINT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "XOR-PEER-ADDRESS family 3          | 0012 0008 0003 1234 01020304",
        "XOR-PEER-ADDRESS IPv4 of length 20 | 0012 0014 0001 1234 01020304 00000000 00000000 00000000 00000000",
        "XOR-PEER-ADDRESS IPv6 of length 8  | 0012 0008 0002 1234 01020304",
        "MAPPED-ADDRESS of length 2         | 0001 0002 0001 0000",
        "XOR-RELAYED-ADDRESS empty          | 0016 0000",
        "USERNAME not UTF-8                 | 0006 0002 c328 0000",
        "USERNAME lone surrogate (CESU)     | 0006 0003 eda080 00",
        "SOFTWARE overlong UTF-8            | 8022 0002 c0af 0000",
        "MESSAGE-INTEGRITY of 19 bytes      | 0008 0013 00000000 00000000 00000000 00000000 00000000",
        "MESSAGE-INTEGRITY-SHA256 of 12     | 001c 000c 00000000 00000000 00000000",
        "MESSAGE-INTEGRITY-SHA256 of 18     | 001c 0012 00000000 00000000 00000000 00000000 00000000",
        "MESSAGE-INTEGRITY-SHA256 of 36     | 001c 0024 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000",
        "FINGERPRINT of 3 bytes             | 8028 0003 00000000",
        "USERHASH of 16 bytes               | 001e 0010 00000000 00000000 00000000 00000000",
        "ERROR-CODE class 2                 | 0009 0004 0000 0263",
        "ERROR-CODE class 7                 | 0009 0004 0000 0700",
        "ERROR-CODE number 100              | 0009 0004 0000 0464",
        "ERROR-CODE of 3 bytes              | 0009 0003 0000 04 00",
        "ADDRESS-ERROR-CODE number 255      | 8001 0004 0100 04ff",
        "UNKNOWN-ATTRIBUTES odd length      | 000a 0003 0024 00 00",
        "PASSWORD-ALGORITHM params overrun  | 001d 0004 0001 0004",
        "PASSWORD-ALGORITHM of 2 bytes      | 001d 0002 0001 0000",
        "PASSWORD-ALGORITHM extra bytes     | 001d 0008 0001 0000 00000000",
        "PASSWORD-ALGORITHMS cut entry      | 8002 0006 0001 0000 0002 0000",
        "PASSWORD-ALGORITHMS params overrun | 8002 0008 0001 0000 0002 0008",
        "CHANNEL-NUMBER of 2 bytes          | 000c 0002 4000 0000",
        "LIFETIME of 8 bytes                | 000d 0008 00000000 00000258",
        "REQUESTED-TRANSPORT of 1 byte      | 0019 0001 11 000000",
        "REQUESTED-ADDRESS-FAMILY of 8      | 0017 0008 01000000 00000000",
        "ADDITIONAL-ADDRESS-FAMILY of 1     | 8000 0001 02 000000",
        "EVEN-PORT of 4 bytes               | 0018 0004 80000000",
        "DONT-FRAGMENT with a value         | 001a 0001 00 000000",
        "RESERVATION-TOKEN of 4 bytes       | 0022 0004 01020304",
        "ICMP of 4 bytes                    | 8004 0004 00000000",
        "CONNECTION-ID of 8 bytes           | 002a 0008 00000000 00000001",
        "ALTERNATE-SERVER family 0          | 8023 0008 0000 0d96 c0000201",
    })
    void malformedAttribute(String name, String attributes) {
        StunParseException e = failure(request(attributes));
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ATTRIBUTE);
        assertThat(e.hasHeader()).isTrue();
        assertThat(e.transactionId()).isEqualTo(TransactionId.of(hex(TID)));
        assertThat(e.getStackTrace()).as("no stack trace for bad network input").isEmpty();
    }

    @Test
    void attributesAfterIntegrityAreIgnoredEvenWhenMalformed() throws Exception {
        String mi = "0008 0014 " + "11".repeat(20);
        String sha = "001c 0010 " + "22".repeat(16);
        // SOFTWARE after MESSAGE-INTEGRITY is dropped; a broken XOR-PEER-ADDRESS there is not even parsed.
        StunMessage m = decode(request("8022 0004 61626364 " + mi + " 8022 0004 65666768 0012 0008 0009 0000 00000000 "
                + sha + " 8022 0004 69696969 " + "0008 0014 " + "33".repeat(20) + " 8028 0004 01020304"));
        assertThat(m.attributes()).containsExactly(
                new Software("abcd"),
                new MessageIntegrity(hex("11".repeat(20))),
                new MessageIntegritySha256(hex("22".repeat(16))),
                new Fingerprint(0x01020304));
        // Without MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 alone also cuts off what follows, bar FINGERPRINT.
        StunMessage sha256Only = decode(request(sha + " 8022 0004 61626364 " + mi));
        assertThat(sha256Only.attributes()).containsExactly(new MessageIntegritySha256(hex("22".repeat(16))));
    }

    @Test
    void unknownMethodsAndReservedValuesStillDecode() throws Exception {
        // Method 0x0ABC and an unbound channel number: a server must see them to answer 400, so they decode.
        byte[] raw = hex(String.format("%04x 0008 2112a442 %s 000c 0004 ffff 0000",
                MessageType.encode(0xABC, StunClass.REQUEST), TID));
        StunMessage m = decode(raw);
        assertThat(m.method().isKnown()).isFalse();
        assertThat(m.method().code()).isEqualTo(0xABC);
        assertThat(m.first(StunAttribute.ChannelNumber.class).orElseThrow().number()).isEqualTo(0xFFFF);
        // Reserved bits and padding bytes are ignored, as RFC 8489 §14 says.
        StunMessage padded = decode(request("8022 0001 61 ffffff 0009 0004 ffff fb01 000c 0004 4001 ffff"));
        assertThat(padded.first(Software.class).orElseThrow().value()).isEqualTo("a");
        assertThat(padded.first(StunAttribute.ErrorCode.class).orElseThrow().code()).isEqualTo(301);
    }

    @Test
    void messageDescribesItself() throws Exception {
        StunMessage m = decode(request(""));
        assertThat(m.describe()).isEqualTo("BINDING REQUEST");
        assertThat(m.attributes()).isEmpty();
        assertThatThrownBy(() -> m.attributes().add(new Software("x")))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
