package io.doorstep.loadtest.documents;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A reader following an upload (GET, chunked) on its own thread, noting when the first byte of each of the
 * uploader's chunks arrives.
 */
final class FollowingReader implements AutoCloseable {
    private final Socket socket = new Socket();
    private final int chunk;
    private final long[] arrivals;
    private final Thread thread;
    /** Guards {@code received} and {@code failure}: the uploader waits on it rather than spinning (many at once). */
    private final Object progress = new Object();
    private long received;
    private IOException failure;

    FollowingReader(InetSocketAddress relay, String path, String token, int chunk, int chunks) throws IOException {
        this.chunk = chunk;
        this.arrivals = new long[chunks];
        socket.setTcpNoDelay(true);
        socket.connect(relay, 5_000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer " + token
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        thread = new Thread(this::read, "document-bench-reader");
        thread.start();
    }

    private void read() {
        try {
            InputStream in = socket.getInputStream();
            line(in); // status line
            while (!line(in).isEmpty()) {
                // headers
            }
            byte[] buf = new byte[64 * 1024];
            for (long size; (size = Long.parseLong(line(in).trim(), 16)) > 0; line(in)) {
                for (long left = size; left > 0; ) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new IOException("the download ended early");
                    }
                    note(received, n, System.nanoTime()); // the only writer of received reads it unlocked
                    left -= n;
                }
            }
        } catch (IOException | NumberFormatException e) {
            synchronized (progress) {
                failure = e instanceof IOException io ? io : new IOException(e);
                progress.notifyAll();
            }
        }
    }

    private void note(long before, int n, long now) {
        for (long i = (before + chunk - 1) / chunk; i * chunk < before + n && i < arrivals.length; i++) {
            arrivals[(int) i] = now;
        }
        synchronized (progress) {
            received = before + n;
            progress.notifyAll();
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** Waits until the reader has every byte of the first {@code chunks} chunks (at most 10 s). */
    void awaitCaughtUp(int chunks) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (progress) {
            while (received < (long) chunks * chunk) {
                if (failure != null) {
                    throw failure;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("the reader did not catch up within 10 s");
                }
                progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** When the first byte of chunk {@code i} arrived (System.nanoTime); call once the reader has caught up to it. */
    long arrival(int i) {
        synchronized (progress) { // the arrivals written before received, under the same lock
            return arrivals[i];
        }
    }

    /** When the first byte of each chunk arrived (System.nanoTime), once the last one has. */
    long[] arrivals() throws IOException, InterruptedException {
        awaitCaughtUp(arrivals.length);
        return arrivals.clone();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
