package io.doorstep.loadtest.peak;

import io.doorstep.loadtest.calls.OfferMatcher;
import io.doorstep.loadtest.client.BenchConnection;
import io.doorstep.loadtest.client.ConnectionListener;
import io.doorstep.loadtest.client.Fleet;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.directory.ServiceItem;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A village station in the peak hour: calls when its Poisson arrival comes (unless it is still in a call), gives up
 * and cancels when it has waited longer than its patience, and sometimes loses its network in the middle of a call
 * and resumes its session on a new connection. Its state lives on its connection's event loop.
 */
final class PeakStation implements ConnectionListener {
    private enum State { IDLE, WAITING, TALKING, RECONNECTING }

    private final PeakStats stats;
    private final OfferMatcher offers;
    private final HumanTimes times;
    private final SkillMix mix;
    private final Fleet fleet;
    private final String token;
    private final long serviceLevelNanos;
    private final SplittableRandom random;
    private volatile BenchConnection connection;
    private State state = State.IDLE;
    private String sessionId;
    private int requests;
    private String requestId;
    private String cancelId;
    private String callId;
    private String item;
    private long dueNanos;

    PeakStation(PeakLoad.Context context, String token, long seed) {
        this.stats = context.stats();
        this.offers = context.offers();
        this.times = context.times();
        this.mix = context.mix();
        this.fleet = context.fleet();
        this.serviceLevelNanos = context.serviceLevel().toNanos();
        this.token = token;
        this.random = new SplittableRandom(seed);
    }

    void attach(BenchConnection signedIn) {
        connection = signedIn;
    }

    BenchConnection connection() {
        return connection;
    }

    /** This station's arrival, due at {@code due}: a call unless it is in one already. */
    void arrive(long due, ServiceItem serviceItem) {
        BenchConnection c = connection;
        c.execute(() -> {
            if (state != State.IDLE) {
                stats.count(PeakStats.Count.ARRIVED_WHILE_BUSY);
                return;
            }
            state = State.WAITING;
            dueNanos = due;
            item = serviceItem.code();
            requestId = "r" + (++requests);
            callId = null;
            stats.requested();
            c.send(new ClientMessage.CallRequest(requestId, item, false));
            String request = requestId;
            c.schedule(() -> giveUp(request), Math.max(0, due + times.patienceNanos(random) - System.nanoTime()));
        });
    }

    /** Patience ran out: cancel if this very call is still waiting (and the server has named it). */
    private void giveUp(String request) {
        if (state == State.WAITING && request.equals(requestId) && callId != null) {
            cancelId = "c" + requests;
            connection.send(new ClientMessage.CallCancel(cancelId, callId));
        }
    }

    @Override
    public void onMessage(BenchConnection c, ServerMessage message, long arrivedNanos) {
        if (message instanceof ServerMessage.Welcome welcome) {
            welcomed(welcome);
        } else if (message instanceof ServerMessage.CallQueued queued) {
            if (state == State.WAITING && callId == null && queued.re() != null && queued.re().equals(requestId)) {
                callId = queued.callId();
                stats.count(PeakStats.Count.QUEUED);
                offers.requested(callId, dueNanos);
            }
        } else if (message instanceof ServerMessage.CallConnected connected) {
            if (connected.callId().equals(callId) && state == State.WAITING) {
                connected(arrivedNanos - dueNanos);
            }
        } else if (message instanceof ServerMessage.CallEnded ended) {
            if (ended.callId().equals(callId)) {
                ended(ended);
            }
        } else if (message instanceof ServerMessage.Error error) {
            failed(error);
        }
    }

    private void connected(long waitNanos) {
        state = State.TALKING;
        stats.connected(waitNanos, times.realLife(waitNanos).toNanos() <= serviceLevelNanos);
        if (times.drops(random)) {
            String call = callId;
            connection.schedule(() -> drop(call), times.dropAfterNanos(random, mix.typicalMinutes(item)));
        }
    }

    private void ended(ServerMessage.CallEnded ended) {
        PeakStats.Count how = null;
        if (ended.reason() == EndReason.COMPLETED) {
            how = PeakStats.Count.COMPLETED;
        } else if (ended.reason() == EndReason.CANCELLED && cancelId != null) {
            how = PeakStats.Count.ABANDONED;
        } else {
            stats.error("station: call ended " + ended.reason() + "/" + ended.cause());
        }
        finish(how);
    }

    private void failed(ServerMessage.Error error) {
        if (error.re() != null && error.re().equals(cancelId)) {
            stats.count(PeakStats.Count.CANCEL_TOO_LATE); // the agent's accept got there first: the call goes on
        } else {
            stats.error("station: error " + error.code());
            if (error.re() != null && error.re().equals(requestId) && state == State.WAITING) {
                finish(null);
            }
        }
    }

    private void finish(PeakStats.Count how) {
        state = State.IDLE;
        requestId = null;
        cancelId = null;
        callId = null;
        stats.ended(how);
    }

    /** The village network goes: the connection drops without a bye, and comes back a little later. */
    private void drop(String call) {
        if (state != State.TALKING || !call.equals(callId)) {
            return;
        }
        state = State.RECONNECTING;
        stats.count(PeakStats.Count.DROPPED);
        BenchConnection old = connection;
        ClientMessage.Resume resume = new ClientMessage.Resume(sessionId, old.lastSeq());
        old.drop();
        fleet.timer().schedule(() -> reconnect(resume), times.reconnectAfter().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void reconnect(ClientMessage.Resume resume) {
        BenchConnection fresh = fleet.connect(new Fleet.Login(token, this, resume));
        connection = fresh;
        fresh.signedIn().whenComplete((c, e) -> {
            if (e != null) {
                fresh.execute(() -> {
                    stats.error("station: reconnect failed");
                    finish(null);
                });
            }
        });
    }

    private void welcomed(ServerMessage.Welcome welcome) {
        sessionId = welcome.sessionId();
        if (state != State.RECONNECTING) {
            return;
        }
        if (welcome.resumed()) {
            stats.count(PeakStats.Count.RESUMED);
            state = State.TALKING;
        } else {
            stats.error("station: resume refused " + welcome.resumeError());
            finish(null);
        }
    }

    @Override
    public void onClosed(BenchConnection c, boolean expected) {
        if (!expected) {
            stats.error("station: connection lost");
        }
    }
}
