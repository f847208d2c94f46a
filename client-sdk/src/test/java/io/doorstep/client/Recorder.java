package io.doorstep.client;

import io.doorstep.client.documents.Document;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A listener for both roles that records every event, for tests to wait on in order. */
class Recorder implements StationListener, AgentListener {
    static final Duration WAIT = Duration.ofSeconds(15);

    record SignedIn(String id, boolean resumed) {
    }

    record Lost(String why) {
    }

    record Stopped(ErrorCode code, String why) {
    }

    record PeerReconnecting(String callId) {
    }

    record PeerReconnected(String callId) {
    }

    record MediaState(String callId, String state) {
    }

    record Printed(String jobId, PrintStatus status, String reason) {
    }

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final List<Object> seen = new ArrayList<>();
    volatile Consumer<DeviceRequest> onDeviceRequest = r -> {
    };

    @Override
    public void signedIn(ServerMessage.Identity identity, boolean resumed) {
        events.add(new SignedIn(identity.id(), resumed));
    }

    @Override
    public void connectionLost(String why, Duration retryIn) {
        events.add(new Lost(why));
    }

    @Override
    public void stopped(ErrorCode code, String why) {
        events.add(new Stopped(code, why));
    }

    @Override
    public void serverError(ServerMessage.Error error) {
        events.add(error);
    }

    @Override
    public void connected(ServerMessage.CallConnected call) {
        events.add(call);
    }

    @Override
    public void ended(ServerMessage.CallEnded end) {
        events.add(end);
    }

    @Override
    public void peerReconnecting(String callId, long graceMs) {
        events.add(new PeerReconnecting(callId));
    }

    @Override
    public void peerReconnected(String callId) {
        events.add(new PeerReconnected(callId));
    }

    @Override
    public void document(Document document) {
        events.add(document);
    }

    @Override
    public void mediaState(String callId, String state) {
        events.add(new MediaState(callId, state));
    }

    @Override
    public void queued(ServerMessage.CallQueued queued) {
        events.add(queued);
    }

    @Override
    public void deviceRequested(DeviceRequest request) {
        events.add(request);
        onDeviceRequest.accept(request);
    }

    @Override
    public void printJob(ServerMessage.PrintJob job) {
        events.add(job);
    }

    @Override
    public void printed(String jobId, PrintStatus status, String reason) {
        events.add(new Printed(jobId, status, reason));
    }

    @Override
    public void stateChanged(ServerMessage.AgentStateChanged state) {
        events.add(state);
    }

    @Override
    public void offered(ServerMessage.CallOffer offer) {
        events.add(offer);
    }

    @Override
    public void offerWithdrawn(ServerMessage.OfferWithdrawn withdrawn) {
        events.add(withdrawn);
    }

    @Override
    public void idCard(ServerMessage.IdCardRead read) {
        events.add(read);
    }

    @Override
    public void barcode(ServerMessage.BarcodeScan scan) {
        events.add(scan);
    }

    @Override
    public void deviceDeclined(ServerMessage.DeviceDeclined declined) {
        events.add(declined);
    }

    @Override
    public void printResult(ServerMessage.PrintResult result) {
        events.add(result);
    }

    /** The next event of {@code type}, skipping others. */
    <T> T await(Class<T> type) {
        return await(type, x -> true);
    }

    /** The next event of {@code type} that matches, skipping others. */
    <T> T await(Class<T> type, Predicate<T> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Object> skipped = new ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                Object e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (e == null) {
                    break;
                }
                seen.add(e);
                if (type.isInstance(e) && matching.test(type.cast(e))) {
                    return type.cast(e);
                }
                skipped.add(e);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no " + type.getSimpleName() + " within " + WAIT + "; got " + skipped);
    }

    /** Everything seen so far by {@link #await}, in order. */
    List<Object> seen() {
        return List.copyOf(seen);
    }
}
