package io.doorstep.signalling.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.doorstep.jwt.Hs256Jwt;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.directory.Directory;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Issues and verifies sign-in tokens (JWT). HS256 with the configured secret always works; a JWK set adds the
 * public-key algorithms a district identity provider signs with. Unsigned tokens ({@code alg: none}) and any
 * algorithm not on the list are refused by the processor before a claim is read.
 */
public final class TokenService {
    /** The claim that carries the role: station, agent or operator. */
    public static final String ROLE_CLAIM = "role";

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.HS256,
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final byte[] secret;
    private final String issuer;
    private final String audience;
    private final Directory directory;
    private final Clock clock;

    /**
     * @param secret   HS256 key, at least 32 bytes
     * @param keys     public keys of an identity provider (may be null)
     */
    public TokenService(byte[] secret, JWKSet keys, String issuer, String audience, Duration maxClockSkew,
                        Directory directory, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the HS256 secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
        this.issuer = issuer;
        this.audience = audience;
        this.directory = directory;
        this.clock = clock;
        List<JWK> all = new ArrayList<>();
        all.add(new OctetSequenceKey.Builder(this.secret).algorithm(JWSAlgorithm.HS256).build());
        if (keys != null) {
            all.addAll(keys.toPublicJWKSet().getKeys());
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(new JWKSet(all))));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                // The role is checked below, so that a missing one is ROLE_MISMATCH like a wrong one.
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) maxClockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Verifies a token and checks its subject against the directory. */
    public Principal verify(String token) throws AuthException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ExpiredJWTException e) {
            throw new AuthException(ErrorCode.TOKEN_EXPIRED, "the token has expired");
        } catch (BadJWTException e) {
            throw new AuthException(ErrorCode.TOKEN_INVALID, "the token's claims are not accepted: " + e.getMessage());
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new AuthException(ErrorCode.TOKEN_INVALID, "the token is not a valid signed JWT: " + e.getMessage());
        }
        String subject = claims.getSubject();
        Object roleClaim = claims.getClaim(ROLE_CLAIM);
        Role role = roleClaim instanceof String s ? Role.fromWireName(s) : null;
        if (role == null) {
            throw new AuthException(ErrorCode.ROLE_MISMATCH, "the token's role must be station, agent or operator");
        }
        Role listed = directory.roleOf(subject)
                .orElseThrow(() -> new AuthException(ErrorCode.UNKNOWN_IDENTITY,
                        "'" + subject + "' is not in the directory"));
        if (listed != role) {
            throw new AuthException(ErrorCode.ROLE_MISMATCH,
                    "'" + subject + "' is listed as " + listed.wireName() + ", not " + role.wireName());
        }
        return new Principal(subject, directory.nameOf(subject), role, claims.getExpirationTime().toInstant());
    }

    /** Issues an HS256 token for a directory entry. */
    public String issue(String subject, Role role, Duration ttl) {
        return Hs256Jwt.sign(secret, clock.instant(), ttl, issuer, audience, subject,
                claims -> claims.claim(ROLE_CLAIM, role.wireName()));
    }

    /** Reads a text secret as UTF-8 bytes. */
    public static byte[] secretBytes(String secret) {
        return secret.getBytes(StandardCharsets.UTF_8);
    }
}
