package io.doorstep.client.internal.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.client.Backoff;
import io.doorstep.client.CuttableProxy;
import io.doorstep.client.DoorstepSystem;
import io.doorstep.client.devices.GeneratedDocuments;
import io.doorstep.documents.DocumentRole;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tus client against the real document relay, through a line that drops mid-upload: it asks the relay where
 * the upload stands and goes on from there; a refused token is renewed; a file the relay will not take fails
 * clearly.
 */
class TusUploaderTest {
    static DoorstepSystem system;
    static CuttableProxy line;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final TusUploader UPLOADER = new TusUploader(HTTP, 128 * 1024, Duration.ofSeconds(10),
            new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 2, 0.2));

    @BeforeAll
    static void start() throws Exception {
        system = DoorstepSystem.start();
        line = new CuttableProxy(system.documentsPort());
    }

    @AfterAll
    static void stop() throws IOException {
        line.close();
        system.close();
    }

    /** The relay through the proxy, with a token of call {@code callId}; {@code first} is used until a 401. */
    private static RelayAccess relay(String callId, String first, AtomicInteger refreshes) {
        String good = system.documentToken(DoorstepSystem.STATION, callId, DocumentRole.STATION);
        return new RelayAccess() {
            volatile String token = first == null ? good : first;

            @Override
            public String url() {
                return "http://127.0.0.1:" + line.port() + "/files/";
            }

            @Override
            public String token() {
                return token;
            }

            @Override
            public String refreshToken() {
                refreshes.incrementAndGet();
                token = good;
                return good;
            }
        };
    }

    @Test
    void anUploadCutMidwayResumesFromTheRelaysOffset() throws Exception {
        byte[] scan = GeneratedDocuments.jpeg(1_200_000, 3);
        List<Long> progress = new CopyOnWriteArrayList<>();
        RelayAccess relay = relay("c-tus-cut", null, new AtomicInteger());
        line.cutAfterUpstreamBytes(500_000);

        TusUploader.Result r = UPLOADER.upload(relay, scan, Map.of("filename", "scan.jpg", "filetype",
                "image/jpeg", "device", "document-camera"), progress::add);

        assertThat(r.sha256()).isEqualTo(Hashes.sha256Hex(scan));
        assertThat(progress).isSorted().last().isEqualTo((long) scan.length);
        try (DocumentReader.Hashing in = new DocumentReader(HTTP).open(relay, r.documentId())) {
            assertThat(in.readAllBytes()).isEqualTo(scan);
            assertThat(in.sha256Hex()).isEqualTo(r.sha256()).isEqualTo(in.announcedSha256());
        }
    }

    @Test
    void aRefusedTokenIsRenewedOnce() throws Exception {
        AtomicInteger refreshes = new AtomicInteger();
        byte[] form = GeneratedDocuments.pdf(List.of("form"));
        RelayAccess relay = relay("c-tus-token", "expired.or.forged", refreshes);

        TusUploader.Result r = UPLOADER.upload(relay, form, Map.of("filetype", "application/pdf"), x -> { });

        assertThat(r.sha256()).isEqualTo(Hashes.sha256Hex(form));
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void aFileTheRelayDoesNotTakeFailsClearly() {
        byte[] notAScan = "just some text, not JPEG, PNG or PDF".repeat(100).getBytes();
        RelayAccess relay = relay("c-tus-type", null, new AtomicInteger());
        assertThatThrownBy(() -> UPLOADER.upload(relay, notAScan, Map.of(), x -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("415");
    }
}
