package io.doorstep.relay.allocation;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Allocation quotas: per user (486 Allocation Quota Reached) and in total (508 Insufficient Capacity). */
public final class Quotas {
    /** Why an allocation was refused. */
    public enum Refusal { NONE, USER_QUOTA, CAPACITY }

    private final int perUser;
    private final int total;
    private final AtomicInteger active = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> byUser = new ConcurrentHashMap<>();

    public Quotas(int perUser, int total) {
        this.perUser = perUser;
        this.total = total;
    }

    /** Reserves room for one allocation of {@code username}; call {@link #release} when it ends. */
    public Refusal reserve(String username) {
        if (active.incrementAndGet() > total) {
            active.decrementAndGet();
            return Refusal.CAPACITY;
        }
        AtomicInteger mine = byUser.computeIfAbsent(username, u -> new AtomicInteger());
        if (mine.incrementAndGet() > perUser) {
            mine.decrementAndGet();
            active.decrementAndGet();
            return Refusal.USER_QUOTA;
        }
        return Refusal.NONE;
    }

    public void release(String username) {
        active.decrementAndGet();
        byUser.computeIfPresent(username, (u, n) -> n.decrementAndGet() == 0 ? null : n);
    }

    public int active() {
        return active.get();
    }
}
