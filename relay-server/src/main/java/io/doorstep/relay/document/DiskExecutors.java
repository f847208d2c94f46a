package io.doorstep.relay.document;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that touch the disk and hash: a fixed set of single-thread executors, each document hashed onto one.
 * Everything done to a document (its writes, reads, completion, deletion) is thus serial, in submission order,
 * without locks, and never on an event loop.
 */
final class DiskExecutors implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiskExecutors.class);
    private final ExecutorService[] executors;

    DiskExecutors(int threads) {
        executors = new ExecutorService[threads];
        AtomicInteger n = new AtomicInteger();
        for (int i = 0; i < threads; i++) {
            executors[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "doorstep-documents-io-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** The executor that owns {@code id}. */
    SerialExecutor of(DocumentId id) {
        ExecutorService e = executors[Math.floorMod(id.value().hashCode(), executors.length)];
        return task -> {
            try {
                e.execute(() -> guarded(task));
            } catch (RejectedExecutionException stopping) {
                log.debug("relay stopping: document task dropped");
            }
        };
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error t) {
            log.error("document task failed", t);
        }
    }

    @Override
    public void close() {
        for (ExecutorService e : executors) {
            e.shutdown();
        }
        for (ExecutorService e : executors) {
            try {
                if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
                    e.shutdownNow();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs tasks one after another, in the order given. */
    @FunctionalInterface
    interface SerialExecutor {
        void execute(Runnable task);
    }
}
