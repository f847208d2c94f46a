package io.doorstep.signalling.documents;

import io.doorstep.documents.EventSignature;
import io.doorstep.documents.SignedPost;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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

    /** For a signalling server without a relay to tell ({@code documents.call-ends-url} empty). */
    public static final CallEndNotifier NONE = new CallEndNotifier(null, null, null);

    private final SignedPost post;
    private final ScheduledExecutorService retries;
    private final Clock clock;

    private CallEndNotifier(SignedPost post, ScheduledExecutorService retries, Clock clock) {
        this.post = post;
        this.retries = retries;
        this.clock = clock;
    }

    /** Posts to {@code url}; retries are scheduled on {@code retries}. */
    public static CallEndNotifier to(String url, byte[] documentSecret, ScheduledExecutorService retries,
                                     Clock clock) {
        if (url.isEmpty()) {
            return NONE;
        }
        return new CallEndNotifier(new SignedPost(URI.create(url), EventSignature.forCallEnds(documentSecret, clock)),
                retries, clock);
    }

    /** The call ended now. */
    public void ended(String callId) {
        if (post == null) {
            return;
        }
        byte[] body = ("{\"callId\":\"" + callId + "\",\"endedAt\":" + clock.millis() + "}")
                .getBytes(StandardCharsets.UTF_8);
        send(callId, body, 1);
    }

    private void send(String callId, byte[] body, int attempt) {
        post.sendAsync(body).thenAccept(status -> {
            if (status / 100 == 2) {
                return;
            }
            if (status / 100 == 4) {
                log.warn("the relay refused the end of call={} status={}", callId, status);
            } else if (attempt == ATTEMPTS) {
                log.warn("the relay was not told of the end of call={} after {} attempts ({}): its documents are "
                        + "kept for its call-end-wait", callId, ATTEMPTS, status == 0 ? "unreachable" : status);
            } else {
                long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << (attempt - 1));
                retries.schedule(() -> send(callId, body, attempt + 1), delay, TimeUnit.MILLISECONDS);
            }
        });
    }
}
