package io.doorstep.documents;

import java.time.Instant;
import java.util.Set;

/**
 * What a verified document token grants: {@code subject} (the station, agent or operator id), acting as {@code role}
 * in call {@code callId}, allowed {@code permissions}, until {@code expiresAt}.
 */
public record DocumentToken(String subject, String callId, DocumentRole role, Set<DocumentPermission> permissions,
                            Instant expiresAt) {
    public DocumentToken {
        permissions = Set.copyOf(permissions);
    }

    public boolean allows(DocumentPermission permission) {
        return permissions.contains(permission);
    }
}
