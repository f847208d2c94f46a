package io.doorstep.loadtest.calls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The stations without a call; each arrival takes one at random. */
final class IdlePool<T> {
    private final List<T> items = new ArrayList<>();

    synchronized void put(T item) {
        items.add(item);
    }

    /** A random idle item, removed from the pool; null when none is idle. */
    synchronized T takeRandom() {
        if (items.isEmpty()) {
            return null;
        }
        int i = ThreadLocalRandom.current().nextInt(items.size());
        int last = items.size() - 1;
        T item = items.get(i);
        items.set(i, items.get(last));
        items.remove(last);
        return item;
    }
}
