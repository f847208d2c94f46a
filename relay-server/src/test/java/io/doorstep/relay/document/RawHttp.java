package io.doorstep.relay.document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A request written by hand on a plain socket, for what an HTTP client library hides: a body sent in pieces with
 * pauses, a connection dropped half-way, the raw bytes of a chunked response and its trailer.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket = new Socket();
    private final OutputStream out;
    private final InputStream in;

    RawHttp(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** Starts a PATCH whose body of {@code length} bytes the test then sends with {@link #body}. */
    static RawHttp patch(int port, String path, String token, long offset, long length) throws IOException {
        RawHttp h = new RawHttp(port);
        h.head("PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer "
                + token + "\r\nUpload-Offset: " + offset + "\r\nContent-Type: application/offset+octet-stream\r\n"
                + "Content-Length: " + length + "\r\n\r\n");
        return h;
    }

    static RawHttp get(int port, String path, String token) throws IOException {
        RawHttp h = new RawHttp(port);
        h.head("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n");
        return h;
    }

    private void head(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    void body(byte[] b, int from, int to) throws IOException {
        out.write(b, from, to - from);
        out.flush();
    }

    /** Reads one byte of the response (blocks up to the socket timeout); -1 at the end. */
    int read() throws IOException {
        return in.read();
    }

    /** Reads until the server closes the connection or {@code marker} has been read. */
    String readUntil(String marker) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            got.write(b);
            if (got.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
                break;
            }
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status line and headers of the response. */
    String responseHead() throws IOException {
        return readUntil("\r\n\r\n");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
