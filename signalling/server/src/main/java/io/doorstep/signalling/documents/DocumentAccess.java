package io.doorstep.signalling.documents;

import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentRole;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** Issues a party of a connected call its document token: this call, its role, upload and read. */
public final class DocumentAccess {
    private static final Set<DocumentPermission> PARTY = EnumSet.of(DocumentPermission.UPLOAD, DocumentPermission.READ);

    private final DocumentTokens tokens;
    private final String url;
    private final Duration ttl;
    private final Clock clock;

    public DocumentAccess(DocumentTokens tokens, String url, Duration ttl, Clock clock) {
        this.tokens = tokens;
        this.url = url;
        this.ttl = ttl;
        this.clock = clock;
    }

    Duration ttl() {
        return ttl;
    }

    /** A fresh documents.access for {@code party} in {@code callId}, answering {@code re} (may be null). */
    ServerMessage.DocumentsAccess forParty(String identityId, Role partyRole, String callId, String re) {
        DocumentRole role = partyRole == Role.STATION ? DocumentRole.STATION : DocumentRole.AGENT;
        // The token's exp is in whole seconds, counted from a moment no earlier than this one.
        long expiresAt = Instant.ofEpochSecond(clock.instant().plus(ttl).getEpochSecond()).toEpochMilli();
        String token = tokens.issue(identityId, callId, role, PARTY, ttl);
        return new ServerMessage.DocumentsAccess(re, callId, url, token, expiresAt);
    }
}
