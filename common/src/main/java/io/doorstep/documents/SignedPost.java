package io.doorstep.documents;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One POST of a JSON body to an internal endpoint, signed with {@link EventSignature}: how the relay tells the
 * signalling server of document events and of its load, and the signalling server tells the relay of ended calls.
 * {@link #send} blocks (callers post from a thread of their own, never from an event loop); {@link #sendAsync} does not.
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

    /** The answer's status, or 0 when the other side could not be reached. */
    public int send(byte[] body) throws InterruptedException {
        try {
            return http.send(request(body), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException ex) {
            return 0;
        }
    }

    /** The same without blocking: the answer's status when it comes, or 0 when the other side could not be reached. */
    public CompletableFuture<Integer> sendAsync(byte[] body) {
        return http.sendAsync(request(body), HttpResponse.BodyHandlers.discarding())
                .handle((response, error) -> response == null ? 0 : response.statusCode());
    }

    private HttpRequest request(byte[] body) {
        String ts = signature.timestamp();
        return HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header(EventSignature.TIMESTAMP_HEADER, ts)
                .header(EventSignature.SIGNATURE_HEADER, signature.sign(ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    public URI target() {
        return target;
    }
}
