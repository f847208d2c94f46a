package io.doorstep.signalling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.protocol.Role;
import io.doorstep.signalling.server.Tls;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** WSS and HTTPS with a generated self-signed certificate; plain clients cannot talk to a TLS port. */
class TlsTest {

    @Test
    void servesWssAndHttpsWithAGeneratedCertificate() throws Exception {
        Path dir = Files.createTempDirectory("doorstep-tls");
        Tls.generateSelfSigned(dir, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        try (TestServer server = TestServer.start(Map.of(
                "DOORSTEP_SERVER_TLS_CERT", dir.resolve("cert.pem").toString(),
                "DOORSTEP_SERVER_TLS_KEY", dir.resolve("key.pem").toString()))) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(dir.resolve("cert.pem"))).build();
            String port = String.valueOf(server.wsUri().getPort());

            HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            try (WsClient station = WsClient.connect(trusting, URI.create("wss://127.0.0.1:" + port + "/ws"),
                    Map.of())) {
                assertThat(station.hello(server.token("st-test-01", Role.STATION)).identity().id())
                        .isEqualTo("st-test-01");
            }
            // A client that does not trust the certificate, and a plain-text client, both fail.
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLException.class);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        }
    }

    private static SSLContext trusting(Path certPem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certPem)) {
            store.setCertificateEntry("doorstep", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
