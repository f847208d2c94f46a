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
    private volatile long received;
    private volatile IOException failure;

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
                    note(received, n, System.nanoTime());
                    left -= n;
                }
            }
        } catch (IOException | NumberFormatException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
        }
    }

    private void note(long before, int n, long now) {
        for (long i = (before + chunk - 1) / chunk; i * chunk < before + n && i < arrivals.length; i++) {
            arrivals[(int) i] = now;
        }
        received = before + n;
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
        while (received < (long) chunks * chunk) {
            if (failure != null) {
                throw failure;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the reader did not catch up within 10 s");
            }
            Thread.onSpinWait();
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
