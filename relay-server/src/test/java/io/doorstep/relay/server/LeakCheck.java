package io.doorstep.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer while it ran. Netty only logs leaks; this listens for them
 * instead, and at the end of the class collects garbage and allocates, which is when the detector reports buffers
 * that were collected without a release. Leak detection is forced to paranoid (every buffer tracked), as surefire
 * configures it, so the check also holds when a test runs from an IDE.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ByteBufUtil.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        collectAndReport(); // leaks of earlier classes are theirs, not this one's
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        collectAndReport();
        List<String> leaks = new ArrayList<>(LEAKS);
        LEAKS.clear();
        assertThat(leaks).as("buffers leaked while %s ran", context.getDisplayName()).isEmpty();
    }

    /** Leaks are reported when a tracked buffer is allocated after the leaked one was collected. */
    private static void collectAndReport() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < 8; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
    }
}
