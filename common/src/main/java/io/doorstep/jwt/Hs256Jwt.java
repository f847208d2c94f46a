package io.doorstep.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Issues the HS256 tokens Doorstep hands out (sign-in tokens, document tokens): one shape of standard claims. */
public final class Hs256Jwt {
    private Hs256Jwt() {
    }

    /**
     * A token with issuer, audience, subject, issued at {@code now}, expiring after {@code ttl} and a random id, plus
     * the claims {@code extra} adds.
     */
    public static String sign(byte[] secret, Instant now, Duration ttl, String issuer, String audience,
                              String subject, UnaryOperator<JWTClaimsSet.Builder> extra) {
        JWTClaimsSet claims = extra.apply(new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .audience(audience)
                        .subject(subject)
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(ttl)))
                        .jwtID(UUID.randomUUID().toString()))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token (the HS256 secret must be at least 32 bytes)", e);
        }
        return jwt.serialize();
    }
}
