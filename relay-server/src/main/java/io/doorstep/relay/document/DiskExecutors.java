package io.doorstep.relay.document;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that touch the disk and hash: a fixed set of single-thread executors, each document hashed onto one.
 * Everything done to a document (its writes, reads, completion, deletion) is thus serial, in submission order,
 * without locks, and never on an event loop. One more thread only waits for the disk: {@link #writeBack}.
 */
final class DiskExecutors implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiskExecutors.class);
    private final ExecutorService[] executors;
    private final ExecutorService writeBack = daemon("doorstep-documents-writeback");

    DiskExecutors(int threads) {
        executors = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            executors[i] = daemon("doorstep-documents-io-" + (i + 1));
        }
    }

    private static ExecutorService daemon(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
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

    /**
     * Runs {@code flush} (an fsync) on the write-back thread, off the document's own: the disk writes back what a
     * long body has written so far while the document's thread goes on hashing and writing the rest, so the fsync
     * that ends the body waits only for its last stretch. Not ordered with the document's tasks; a failure is logged
     * at debug only, as the fsync that ends the body is what reports (and decides) durability.
     */
    void writeBack(Flush flush) {
        try {
            writeBack.execute(() -> {
                try {
                    flush.run();
                } catch (IOException e) {
                    log.debug("early write-back failed: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException stopping) {
            log.debug("relay stopping: write-back dropped");
        }
    }

    /** An fsync that may fail. */
    @FunctionalInterface
    interface Flush {
        void run() throws IOException;
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
        writeBack.shutdown();
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
