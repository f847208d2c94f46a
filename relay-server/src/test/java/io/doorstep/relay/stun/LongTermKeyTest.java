package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.relay.stun.StunAttribute.PasswordAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Long-term keys (RFC 8489 §9.2.2), USERHASH (§14.4) and SASLprep (RFC 4013). */
class LongTermKeyTest {

    @Test
    void md5KeyIsTheDigestOfUserRealmPassword() throws Exception {
        byte[] expected = MessageDigest.getInstance("MD5")
                .digest("user:realm:pass".getBytes(StandardCharsets.UTF_8));
        assertThat(LongTermKey.md5("user", "realm", "pass")).isEqualTo(expected).hasSize(16);
        assertThat(LongTermKey.forAlgorithm(PasswordAlgorithm.MD5, "user", "realm", "pass")).isEqualTo(expected);
    }

    @Test
    void sha256KeyIsTheDigestOfUserRealmPassword() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256")
                .digest("user:realm:pass".getBytes(StandardCharsets.UTF_8));
        assertThat(LongTermKey.sha256("user", "realm", "pass")).isEqualTo(expected).hasSize(32);
        assertThat(LongTermKey.forAlgorithm(PasswordAlgorithm.SHA_256, "user", "realm", "pass")).isEqualTo(expected);
        assertThatThrownBy(() -> LongTermKey.forAlgorithm(3, "u", "r", "p")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void turnRestApiCredentialsAreUsedAsTheyAre() throws Exception {
        // TURN REST API: username "expiry:id", password base64(HMAC-SHA1(secret, username)): printable ASCII.
        String password = "Lq0PqJ3Z8rK1+/mQxv2N8b0yFh4=";
        byte[] expected = MessageDigest.getInstance("MD5")
                .digest(("1735689600:station-0042:doorstep:" + password).getBytes(StandardCharsets.UTF_8));
        assertThat(LongTermKey.md5("1735689600:station-0042", "doorstep", password)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // RFC 4013 §3 examples
        "SOFT HYPHEN mapped to nothing     | I\u00ADX            | IX",
        "no transformation                 | user              | user",
        "case preserved                    | USER              | USER",
        "ISO 8859-1 a-ordinal to a (NFKC)  | \u00AA            | a",
        "Roman numeral nine to IX (NFKC)   | \u2168            | IX",
        // RFC 5769 §2.4 / RFC 8489 B.1 password
        "the RFC vectors' password         | The\u00ADM\u00AAtr\u2168 | TheMatrIX",
        "no-break space to space           | a\u00A0b          | a b",
        "ideographic space to space        | a\u3000b          | a b",
        "zero width joiner to nothing      | a\u200Db          | ab",
        "fullwidth to ASCII (NFKC)         | \uFF21\uFF22      | AB",
        "katakana unchanged                | \u30DE\u30C8\u30EA\u30C3\u30AF\u30B9 | \u30DE\u30C8\u30EA\u30C3\u30AF\u30B9",
        "Hebrew, right-to-left throughout  | \u05D0\u05D1      | \u05D0\u05D1",
    })
    void saslprepMapsAndNormalises(String name, String input, String prepared) {
        assertThat(Saslprep.prepare(input)).isEqualTo(prepared);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ASCII control (RFC 4013 §3 <U+0007>) | a\u0007b",
        "DEL                                  | a\u007Fb",
        "C1 control                           | a\u0085b",
        "private use                          | a\uE000b",
        "non-character                        | a\uFFFEb",
        "unpaired surrogate                   | a\uD800b",
        "bidi control                         | a\u202Eb",
        "tagging                              | a\uDB40\uDC01b",
        "RandAL then a digit (RFC 4013 §3)    | \u0627\u0031",
        "RandAL and L mixed                   | \u0627a\u0627",
        "starts with a digit, not RandAL      | 1\u0627",
    })
    void saslprepRefusesProhibitedOutput(String name, String input) {
        assertThatThrownBy(() -> Saslprep.prepare(input)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LongTermKey.md5("u", "r", input)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saslprepAllowsRightToLeftWithNeutralsInside() {
        // U+0627 U+0031 U+0628: digits are weak, not L, and both ends are RandAL.
        assertThat(Saslprep.prepare("\u0627\u0031\u0628")).isEqualTo("\u0627\u0031\u0628");
    }

    @Test
    void userhashOfAsciiCredentials() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256")
                .digest("user:example.org".getBytes(StandardCharsets.UTF_8));
        assertThat(LongTermKey.userhash("user", "example.org")).isEqualTo(expected);
        assertThat(hex(LongTermKey.userhash("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", "example.org")))
                .isEqualTo("4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704"); // RFC 8489 B.1
    }
}
