package io.doorstep.client.internal.documents;

import java.io.IOException;

/** The document relay of the current call, as the last {@code documents.access} said, and a way to a fresh token. */
public interface RelayAccess {
    /** The tus endpoint, e.g. {@code http://relay:8642/files/}. */
    String url();

    String token();

    /** Asks the signalling server for a fresh token (after a 401) and waits for it. */
    String refreshToken() throws IOException;
}
