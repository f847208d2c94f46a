package io.doorstep.loadtest.documents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The smallest tus client that measures honestly: one socket, requests written by hand, nothing buffered twice. */
final class TusSocketClient implements AutoCloseable {
    private static final Pattern LOCATION = Pattern.compile("(?i)\r\nlocation: (\\S+)");
    private final Socket socket = new Socket();
    private final OutputStream out;
    private final InputStream in;
    private final String token;

    TusSocketClient(InetSocketAddress relay, String token) throws IOException {
        socket.setTcpNoDelay(true);
        socket.connect(relay, 5_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        this.token = token;
    }

    /** POST: a new upload of {@code length} bytes; returns its path. */
    String create(long length) throws IOException {
        send("POST /files/ HTTP/1.1", "Upload-Length: " + length);
        String head = head();
        Matcher m = LOCATION.matcher(head);
        if (!head.startsWith("HTTP/1.1 201") || !m.find()) {
            throw new IOException("create refused: " + head.lines().findFirst().orElse(""));
        }
        return m.group(1);
    }

    /** Starts a PATCH of {@code length} bytes at {@code offset}; the body follows with {@link #body}. */
    void startPatch(String path, long offset, long length) throws IOException {
        send("PATCH " + path + " HTTP/1.1", "Upload-Offset: " + offset,
                "Content-Type: application/offset+octet-stream", "Content-Length: " + length);
    }

    /** The same with {@code Upload-Checksum: sha256 <checksum>}, as the SDK and the web pages send their chunks. */
    void startPatch(String path, long offset, long length, String sha256Base64) throws IOException {
        send("PATCH " + path + " HTTP/1.1", "Upload-Offset: " + offset,
                "Content-Type: application/offset+octet-stream", "Content-Length: " + length,
                "Upload-Checksum: sha256 " + sha256Base64);
    }

    void body(byte[] b, int from, int to) throws IOException {
        out.write(b, from, to - from);
        out.flush();
    }

    /** The status code of the answer to the request in flight. */
    int status() throws IOException {
        String head = head();
        return Integer.parseInt(head.substring(9, 12));
    }

    private void send(String requestLine, String... headers) throws IOException {
        StringBuilder b = new StringBuilder(requestLine).append("\r\nHost: relay\r\nTus-Resumable: 1.0.0\r\n")
                .append("Authorization: Bearer ").append(token).append("\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        out.write(b.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads a response head; the bodies the relay sends to tus requests here are empty or ignored. */
    private String head() throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int state = 0;
        for (int c; state < 4 && (c = in.read()) >= 0; ) {
            got.write(c);
            state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
        String head = got.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("(?i)\r\ncontent-length: (\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
