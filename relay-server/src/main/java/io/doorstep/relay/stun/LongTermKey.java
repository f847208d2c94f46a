package io.doorstep.relay.stun;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Keys for the long-term credential mechanism (RFC 8489 §9.2.2) and the USERHASH value (§14.4).
 *
 * <p>{@code key = H(username ":" prep(realm) ":" prep(password))} with H = MD5 or SHA-256 as PASSWORD-ALGORITHM
 * says (MD5 when absent). The username is used as it arrived in USERNAME: the client prepared it before sending.
 * prep is SASLprep (RFC 4013); see {@link Saslprep} for why, and how it relates to the OpaqueString profile that
 * RFC 8489 names. A server should derive the key once per allocation (or cache it per user and realm), not per
 * packet.
 */
public final class LongTermKey {

    private LongTermKey() {
    }

    /** MD5(username ":" realm ":" password): 16 bytes, for PASSWORD-ALGORITHM MD5 or when it is absent. */
    public static byte[] md5(String username, String realm, String password) {
        return digest("MD5", username, realm, password);
    }

    /** SHA-256(username ":" realm ":" password): 32 bytes, for PASSWORD-ALGORITHM SHA-256. */
    public static byte[] sha256(String username, String realm, String password) {
        return digest("SHA-256", username, realm, password);
    }

    /**
     * The key for a PASSWORD-ALGORITHM number.
     *
     * @throws IllegalArgumentException for algorithms other than {@link StunAttribute.PasswordAlgorithm#MD5} and
     *                                  {@link StunAttribute.PasswordAlgorithm#SHA_256}
     */
    public static byte[] forAlgorithm(int algorithm, String username, String realm, String password) {
        return switch (algorithm) {
            case StunAttribute.PasswordAlgorithm.MD5 -> md5(username, realm, password);
            case StunAttribute.PasswordAlgorithm.SHA_256 -> sha256(username, realm, password);
            default -> throw new IllegalArgumentException("unsupported password algorithm " + algorithm);
        };
    }

    /** USERHASH = SHA-256(prep(username) ":" prep(realm)), RFC 8489 §14.4. */
    public static byte[] userhash(String username, String realm) {
        MessageDigest sha256 = messageDigest("SHA-256");
        sha256.update(Saslprep.prepare(username).getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) ':');
        sha256.update(Saslprep.prepare(realm).getBytes(StandardCharsets.UTF_8));
        return sha256.digest();
    }

    private static byte[] digest(String algorithm, String username, String realm, String password) {
        MessageDigest md = messageDigest(algorithm);
        md.update(username.getBytes(StandardCharsets.UTF_8));
        md.update((byte) ':');
        md.update(Saslprep.prepare(realm).getBytes(StandardCharsets.UTF_8));
        md.update((byte) ':');
        md.update(Saslprep.prepare(password).getBytes(StandardCharsets.UTF_8));
        return md.digest();
    }

    private static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JCA lacks " + algorithm + ", which every Java platform must have", e);
        }
    }
}
