package io.doorstep.documents;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.doorstep.jwt.Hs256Jwt;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Issues and verifies document tokens: HS256 JWTs signed with a secret the signalling server (issuer) and the
 * relay (verifier) share, so the relay checks a token without a round trip. Claims: {@code iss} doorstep,
 * {@code aud} doorstep-documents, {@code sub} the party's id, {@code call} the call id, {@code role} station, agent
 * or operator-audit, {@code perm} a list of upload and read, {@code iat}, {@code exp}, {@code jti}. Any other
 * algorithm, {@code alg: none} included, is refused before a claim is read.
 */
public final class DocumentTokens {
    public static final String ISSUER = "doorstep";
    public static final String AUDIENCE = "doorstep-documents";
    public static final String CALL_CLAIM = "call";
    public static final String ROLE_CLAIM = "role";
    public static final String PERMISSIONS_CLAIM = "perm";
    /** Clock difference between the signalling server and the relay that is tolerated on {@code exp}. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);

    private final byte[] secret;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /** @param secret the shared HS256 key, at least 32 bytes */
    public DocumentTokens(byte[] secret, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the document token secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
        this.clock = clock;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                new ImmutableSecret<>(this.secret)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(AUDIENCE,
                new JWTClaimsSet.Builder().issuer(ISSUER).build(),
                Set.of("sub", "exp", "iat", CALL_CLAIM, ROLE_CLAIM, PERMISSIONS_CLAIM)) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) MAX_CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** A token for {@code subject} acting as {@code role} in {@code callId}, valid for {@code ttl}. */
    public String issue(String subject, String callId, DocumentRole role, Set<DocumentPermission> permissions,
                        Duration ttl) {
        return Hs256Jwt.sign(secret, clock.instant(), ttl, ISSUER, AUDIENCE, subject, claims -> claims
                .claim(CALL_CLAIM, callId)
                .claim(ROLE_CLAIM, role.wireName())
                .claim(PERMISSIONS_CLAIM, permissions.stream().map(DocumentPermission::wireName).sorted().toList()));
    }

    /** Checks the signature, issuer, audience and expiry, and reads the grant. */
    public DocumentToken verify(String token) throws DocumentTokenException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ExpiredJWTException e) {
            throw new DocumentTokenException("the document token has expired");
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new DocumentTokenException("the document token is not accepted: " + e.getMessage());
        }
        return grant(claims);
    }

    private static DocumentToken grant(JWTClaimsSet claims) throws DocumentTokenException {
        Object call = claims.getClaim(CALL_CLAIM);
        if (!(call instanceof String callId) || callId.isBlank()) {
            throw new DocumentTokenException("the document token's call claim must be a call id");
        }
        DocumentRole role = claims.getClaim(ROLE_CLAIM) instanceof String r
                ? DocumentRole.fromWireName(r).orElse(null) : null;
        if (role == null) {
            throw new DocumentTokenException("the document token's role must be station, agent or operator-audit");
        }
        return new DocumentToken(claims.getSubject(), callId, role, permissions(claims.getClaim(PERMISSIONS_CLAIM)),
                claims.getExpirationTime().toInstant());
    }

    private static Set<DocumentPermission> permissions(Object claim) throws DocumentTokenException {
        if (!(claim instanceof List<?> list)) {
            throw new DocumentTokenException("the document token's perm claim must be a list");
        }
        Set<DocumentPermission> out = EnumSet.noneOf(DocumentPermission.class);
        for (Object item : list) {
            DocumentPermission p = item instanceof String s ? DocumentPermission.fromWireName(s).orElse(null) : null;
            if (p == null) {
                throw new DocumentTokenException("the document token's perm claim holds an unknown permission");
            }
            out.add(p);
        }
        return out;
    }
}
