package io.doorstep.loadtest.idle;

import io.doorstep.loadtest.Credentials;
import io.doorstep.loadtest.client.BenchConnection;
import io.doorstep.loadtest.client.ConnectionListener;
import io.doorstep.loadtest.client.Fleet;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/** Signed-in stations that do nothing but keep their heartbeat: the steady state of a quiet district. */
public final class IdleSessions implements ConnectionListener, AutoCloseable {
    private static final Duration SIGN_OUT_TIMEOUT = Duration.ofSeconds(30);

    private final LongAdder lost = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private List<BenchConnection> connections = List.of();

    private IdleSessions() {
    }

    /** Signs in the first {@code sessions} stations of the directory. */
    public static IdleSessions signIn(Fleet fleet, Credentials credentials, int sessions)
            throws InterruptedException, TimeoutException {
        IdleSessions idle = new IdleSessions();
        idle.connections = fleet.signIn(credentials.stations(sessions).stream()
                .map(id -> new Fleet.Login(credentials.token(id, Role.STATION), idle))
                .toList());
        return idle;
    }

    public int size() {
        return connections.size();
    }

    /** Connections the server closed (a missed heartbeat would show here). */
    public long lost() {
        return lost.sum();
    }

    /** Error messages the server sent. */
    public long errors() {
        return errors.sum();
    }

    @Override
    public void onMessage(BenchConnection connection, ServerMessage message, long arrivedNanos) {
        if (message instanceof ServerMessage.Error) {
            errors.increment();
        }
    }

    @Override
    public void onClosed(BenchConnection connection, boolean expected) {
        if (!expected) {
            lost.increment();
        }
    }

    @Override
    public void close() {
        Fleet.signOut(connections, SIGN_OUT_TIMEOUT);
    }
}
