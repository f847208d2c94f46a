package io.doorstep.signalling.dashboard;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.session.Session;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' live dashboard over the WebSocket: a subscriber gets a snapshot, then an update at most once per
 * {@link #PUSH_INTERVAL} when something changed. Runs on the switchboard thread, where the state it reads lives; the
 * ticking stops while nobody watches, so an unwatched server pays nothing for it.
 */
public final class DashboardFeed {
    /** How often changes are pushed, at most. */
    public static final Duration PUSH_INTERVAL = Duration.ofSeconds(1);
    /** How much per-minute history is kept and sent. */
    public static final Duration HISTORY = Duration.ofHours(12);

    private static final Logger log = LoggerFactory.getLogger(DashboardFeed.class);

    private final LiveView view;
    private final CallHistory history;
    private final EventExecutor executor;
    private final Clock clock;
    private final Set<Session> subscribers = new LinkedHashSet<>();
    private ScheduledFuture<?> ticking;
    private Dashboard.Live lastSent;

    public DashboardFeed(LiveView.Sources sources, CallHistory history, EventExecutor executor, Clock clock) {
        this.history = history;
        this.view = new LiveView(sources, history);
        this.executor = executor;
        this.clock = clock;
    }

    /** The live state as {@code /api/snapshot} answers it, now. Switchboard thread only. */
    public Map<String, Object> apiSnapshot() {
        return view.snapshot(clock.millis());
    }

    /** Operator: start watching. Answered with the snapshot; a second subscribe just gets a fresh one. */
    public void subscribe(Session operator, ClientMessage.DashboardSubscribe m) {
        subscribers.add(operator);
        operator.send(new ServerMessage.DashboardSnapshot(m.id(), clock.millis(), view.stations(),
                history.minutes(), view.live()));
        log.info("dashboard subscribed session={} identity={} subscribers={}", operator.id(), operator.identityId(),
                subscribers.size());
        if (ticking == null) {
            long ms = PUSH_INTERVAL.toMillis();
            ticking = executor.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** Pushes what changed since the last push to every subscriber still there. */
    private void tick() {
        subscribers.removeIf(Session::closed);
        if (subscribers.isEmpty()) {
            ticking.cancel(false);
            ticking = null;
            lastSent = null;
            return;
        }
        Dashboard.Live live = view.live();
        List<Dashboard.Minute> minutes = history.drainChanged();
        boolean liveChanged = !live.equals(lastSent);
        if (!liveChanged && minutes.isEmpty()) {
            return;
        }
        lastSent = live;
        ServerMessage update = new ServerMessage.DashboardUpdate(clock.millis(), minutes, liveChanged ? live : null);
        subscribers.forEach(s -> s.send(update));
    }
}
