package io.doorstep.relay.document;

import io.doorstep.documents.DocumentRole;

/** Who did something to a document: the id from the token's {@code sub} and the token's role. */
public record DocumentParty(String subject, DocumentRole role) {
}
