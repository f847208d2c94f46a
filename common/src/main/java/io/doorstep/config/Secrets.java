package io.doorstep.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets for the embedded default: the configured value when there is one, otherwise one generated once into the
 * data directory (owner-only permissions) and reused, so tokens and TURN credentials survive a restart. Never
 * logged.
 */
public final class Secrets {
    private Secrets() {
    }

    public static byte[] load(String configured, Path dataDir, String fileName) {
        if (!configured.isEmpty()) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        Path file = dataDir.resolve(fileName);
        try {
            if (!Files.exists(file)) {
                create(dataDir, file);
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (secret.length() < 32) {
                throw new ConfigException(file + " holds a secret shorter than 32 characters");
            }
            return secret.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read or create the secret " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a new secret to a private temporary file and links it into place: the link either appears complete
     * or fails because another process (the relay starting beside the signalling server) made one first, in which
     * case theirs is used. Both processes end up reading the same secret.
     */
    private static void create(Path dataDir, Path file) throws IOException {
        Files.createDirectories(dataDir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmp;
        try {
            tmp = Files.createTempFile(dataDir, file.getFileName().toString(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(dataDir, file.getFileName().toString(), ".tmp");
        }
        try {
            Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            // another process made it first: use theirs
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
