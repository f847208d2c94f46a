package io.doorstep.client.internal.documents;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads a document from the relay with one GET that streams what has arrived and then follows the upload, so an
 * agent sees a scan while the station still sends it. The stream hashes what passes through it. An upload that is
 * abandoned ends the body without its last chunk: the JDK reports that as an IOException, so a part is never taken
 * for the whole.
 */
public final class DocumentReader {
    private final HttpClient http;

    public DocumentReader(HttpClient http) {
        this.http = http;
    }

    /** The document's bytes as they come; {@link Hashing#sha256Hex()} once read to the end. */
    public Hashing open(RelayAccess relay, String documentId) throws IOException, InterruptedException {
        // No request timeout: the body follows an upload that may take minutes on a village uplink.
        HttpRequest request = HttpRequest.newBuilder(URI.create(relay.url() + documentId))
                .header("Authorization", "Bearer " + relay.token()).GET().build();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 401) {
            r.body().close();
            relay.refreshToken();
            r = http.send(HttpRequest.newBuilder(request.uri()).header("Authorization", "Bearer " + relay.token())
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        }
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException("document " + documentId + ": the relay answered " + r.statusCode());
        }
        return new Hashing(r.body(), r.headers().firstValue("Doorstep-Document-Sha256").orElse(null));
    }

    /** A stream that hashes every byte read through it. */
    public static final class Hashing extends FilterInputStream {
        private final MessageDigest digest = Hashes.sha256();
        private final String announcedSha256;

        Hashing(InputStream in, String announcedSha256) {
            super(in);
            this.announcedSha256 = announcedSha256;
        }

        /** The relay's hash in the response header when the document was already complete; else null. */
        public String announcedSha256() {
            return announcedSha256;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                digest.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) {
                digest.update(buffer, off, n);
            }
            return n;
        }

        /** The SHA-256 of everything read so far (call at the end). */
        public String sha256Hex() {
            try {
                return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
