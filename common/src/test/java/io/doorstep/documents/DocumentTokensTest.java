package io.doorstep.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Document tokens: what the signalling server issues is what the relay accepts, and nothing else is. */
class DocumentTokensTest {
    private static final byte[] SECRET = "document-secret-0123456789abcdef-xyz".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private final DocumentTokens tokens = new DocumentTokens(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void issuedTokenVerifiesWithItsGrant() throws Exception {
        String jwt = tokens.issue("st-lianmin", "c-42", DocumentRole.STATION,
                Set.of(DocumentPermission.UPLOAD, DocumentPermission.READ), Duration.ofMinutes(10));

        DocumentToken t = tokens.verify(jwt);

        assertThat(t).isEqualTo(new DocumentToken("st-lianmin", "c-42", DocumentRole.STATION,
                Set.of(DocumentPermission.UPLOAD, DocumentPermission.READ), NOW.plus(Duration.ofMinutes(10))));
        assertThat(t.allows(DocumentPermission.READ)).isTrue();
    }

    @Test
    void expiredTokenIsRefusedAfterTheSkew() {
        String jwt = tokens.issue("ag-1", "c-42", DocumentRole.AGENT, Set.of(DocumentPermission.READ),
                Duration.ofMinutes(1));
        DocumentTokens later = new DocumentTokens(SECRET,
                Clock.fixed(NOW.plus(Duration.ofMinutes(1)).plus(DocumentTokens.MAX_CLOCK_SKEW).plusSeconds(1),
                        ZoneOffset.UTC));

        assertThatThrownBy(() -> later.verify(jwt)).hasMessageContaining("expired");
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() {
        String jwt = new DocumentTokens("another-secret-0123456789abcdef-xyz!".getBytes(StandardCharsets.UTF_8),
                Clock.fixed(NOW, ZoneOffset.UTC)).issue("ag-1", "c-42", DocumentRole.AGENT,
                Set.of(DocumentPermission.READ), Duration.ofMinutes(1));

        assertThatThrownBy(() -> tokens.verify(jwt)).isInstanceOf(DocumentTokenException.class);
    }

    @Test
    void unsignedTokenIsRefused() {
        String jwt = new PlainJWT(claims().build()).serialize();

        assertThatThrownBy(() -> tokens.verify(jwt)).isInstanceOf(DocumentTokenException.class);
    }

    @Test
    void unknownRoleOrPermissionOrMissingCallIsRefused() throws Exception {
        assertThatThrownBy(() -> tokens.verify(sign(claims().claim("role", "operator"))))
                .hasMessageContaining("role");
        assertThatThrownBy(() -> tokens.verify(sign(claims().claim("perm", List.of("read", "delete")))))
                .hasMessageContaining("perm");
        assertThatThrownBy(() -> tokens.verify(sign(claims().claim("call", null))))
                .isInstanceOf(DocumentTokenException.class);
        assertThatThrownBy(() -> tokens.verify(sign(claims().audience("doorstep"))))
                .isInstanceOf(DocumentTokenException.class);
        assertThatThrownBy(() -> tokens.verify("not-a-jwt")).isInstanceOf(DocumentTokenException.class);
    }

    @Test
    void shortSecretIsRefused() {
        assertThatThrownBy(() -> new DocumentTokens(new byte[16], Clock.systemUTC()))
                .hasMessageContaining("32 bytes");
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(DocumentTokens.ISSUER).audience(DocumentTokens.AUDIENCE)
                .subject("ag-1").claim("call", "c-42").claim("role", "agent").claim("perm", List.of("read"))
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(60)));
    }

    private static String sign(JWTClaimsSet.Builder claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        jwt.sign(new MACSigner(SECRET));
        return jwt.serialize();
    }
}
