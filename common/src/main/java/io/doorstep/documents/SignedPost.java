package io.doorstep.documents;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One POST of a JSON body to an internal endpoint of the signalling server, signed with {@link EventSignature}: how the
 * relay tells the signalling server of document events and of its load. Blocking: callers post from a thread of their
 * own, never from an event loop.
 */
public final class SignedPost {
    private final URI target;
    private final EventSignature signature;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    public SignedPost(URI target, EventSignature signature) {
        this.target = target;
        this.signature = signature;
    }

    /** The answer's status, or 0 when the signalling server could not be reached. */
    public int send(byte[] body) throws InterruptedException {
        String ts = signature.timestamp();
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header(EventSignature.TIMESTAMP_HEADER, ts)
                .header(EventSignature.SIGNATURE_HEADER, signature.sign(ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException ex) {
            return 0;
        }
    }

    public URI target() {
        return target;
    }
}
