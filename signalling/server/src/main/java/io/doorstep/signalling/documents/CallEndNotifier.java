package io.doorstep.signalling.documents;

import io.doorstep.documents.EventSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the document relay when a connected call ended ({@code POST documents.call-ends-url}, signed with the
 * call-end key, {@link EventSignature#forCallEnds}), so that the retention of the call's documents counts from then.
 * Asynchronous, never blocking the caller; retried with back-off a bounded number of times (about two minutes). If
 * the relay stays unreachable it counts from its own {@code call-end-wait} instead, so nothing is lost but time.
 */
public final class CallEndNotifier {
    private static final Logger log = LoggerFactory.getLogger(CallEndNotifier.class);
    private static final int ATTEMPTS = 8;
    private static final long FIRST_RETRY_MILLIS = 500;
    private static final long MAX_RETRY_MILLIS = 30_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** For a signalling server without a relay to tell ({@code documents.call-ends-url} empty). */
    public static final CallEndNotifier NONE = new CallEndNotifier(null, null, null, null, null);

    private final URI url;
    private final EventSignature signature;
    private final HttpClient http;
    private final ScheduledExecutorService retries;
    private final Clock clock;

    private CallEndNotifier(URI url, EventSignature signature, HttpClient http, ScheduledExecutorService retries,
                            Clock clock) {
        this.url = url;
        this.signature = signature;
        this.http = http;
        this.retries = retries;
        this.clock = clock;
    }

    /** Posts to {@code url}; retries are scheduled on {@code retries}. */
    public static CallEndNotifier to(String url, byte[] documentSecret, ScheduledExecutorService retries,
                                     Clock clock) {
        if (url.isEmpty()) {
            return NONE;
        }
        return new CallEndNotifier(URI.create(url), EventSignature.forCallEnds(documentSecret, clock),
                HttpClient.newBuilder().connectTimeout(TIMEOUT).build(), retries, clock);
    }

    /** The call ended now. */
    public void ended(String callId) {
        if (url == null) {
            return;
        }
        byte[] body = ("{\"callId\":\"" + callId + "\",\"endedAt\":" + clock.millis() + "}")
                .getBytes(StandardCharsets.UTF_8);
        send(callId, body, 1);
    }

    private void send(String callId, byte[] body, int attempt) {
        String timestamp = signature.timestamp();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header(EventSignature.TIMESTAMP_HEADER, timestamp)
                .header(EventSignature.SIGNATURE_HEADER, signature.sign(timestamp, body))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            int status = response == null ? 0 : response.statusCode();
            if (status / 100 == 2) {
                return;
            }
            if (status / 100 == 4) {
                log.warn("the relay refused the end of call={} status={}", callId, status);
            } else if (attempt == ATTEMPTS) {
                log.warn("the relay was not told of the end of call={} after {} attempts ({}): its documents are "
                        + "kept for its call-end-wait", callId, ATTEMPTS, error != null ? error.toString() : status);
            } else {
                long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << (attempt - 1));
                retries.schedule(() -> send(callId, body, attempt + 1), delay, TimeUnit.MILLISECONDS);
            }
        });
    }
}
