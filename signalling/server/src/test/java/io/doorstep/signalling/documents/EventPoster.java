package io.doorstep.signalling.documents;

import io.doorstep.documents.EventSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** Posts document events to the signalling server as the relay would, or as an impostor would. */
record EventPoster(URI target) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    HttpResponse<String> signed(String secret, String json) throws IOException, InterruptedException {
        EventSignature signature = new EventSignature(secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String ts = signature.timestamp();
        return send(HttpRequest.newBuilder(target).header(EventSignature.TIMESTAMP_HEADER, ts)
                .header(EventSignature.SIGNATURE_HEADER, signature.sign(ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    HttpResponse<String> unsigned(String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> get() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(target).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
