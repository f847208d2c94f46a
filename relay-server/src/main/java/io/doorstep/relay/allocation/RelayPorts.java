package io.doorstep.relay.allocation;

import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The configured range of relayed ports (RFC 8656 §7.2 suggests 49152–65535). Hands out free ports at random
 * (so relayed addresses are hard to guess) and takes them back when an allocation ends. Shared by all event
 * loops, hence synchronized; it is used once per allocation, never per packet.
 */
public final class RelayPorts {
    private final int min;
    private final int size;
    private final BitSet used;
    private int inUse;

    public RelayPorts(int min, int max) {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("relay port range " + min + "-" + max + " is not valid");
        }
        this.min = min;
        this.size = max - min + 1;
        this.used = new BitSet(size);
    }

    /** A free port, or -1 when the range is exhausted (answer 508 Insufficient Capacity). */
    public synchronized int take() {
        if (inUse == size) {
            return -1;
        }
        int start = ThreadLocalRandom.current().nextInt(size);
        int free = used.nextClearBit(start);
        if (free >= size) {
            free = used.nextClearBit(0);
        }
        used.set(free);
        inUse++;
        return min + free;
    }

    /**
     * An even port (EVEN-PORT, RFC 8656 §14.6), and with {@code alsoNext} the odd port above it reserved too; -1 when
     * none is free.
     */
    public synchronized int takeEven(boolean alsoNext) {
        int need = alsoNext ? 2 : 1;
        if (size - inUse < need) {
            return -1;
        }
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int step = 0; step < size; step++) {
            int i = (start + step) % size;
            int port = min + i;
            if (port % 2 != 0 || used.get(i) || (alsoNext && (i + 1 >= size || used.get(i + 1)))) {
                continue;
            }
            used.set(i);
            inUse++;
            if (alsoNext) {
                used.set(i + 1);
                inUse++;
            }
            return port;
        }
        return -1;
    }

    public synchronized void release(int port) {
        int i = port - min;
        if (i >= 0 && i < size && used.get(i)) {
            used.clear(i);
            inUse--;
        }
    }

    public synchronized int inUse() {
        return inUse;
    }
}
