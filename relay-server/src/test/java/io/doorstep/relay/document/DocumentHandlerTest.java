package io.doorstep.relay.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.doorstep.documents.DocumentTokens;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.LeakCheck;
import io.doorstep.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The connection handler on an EmbeddedChannel: answers, and reading stops while the disk is behind. */
@ExtendWith(LeakCheck.class)
class DocumentHandlerTest {
    private static final String CALL = "c-embedded";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(java.time.Instant.now());
    private DiskExecutors disk;
    private DocumentRelay relay;
    private EmbeddedChannel ch;
    private String token;

    @BeforeEach
    void setUp() {
        disk = new DiskExecutors(1); // one thread: a task that blocks it stands for a slow disk
        DocumentTokens tokens = new DocumentTokens(TestDocuments.SECRET.getBytes(StandardCharsets.UTF_8), clock);
        DocumentMetrics metrics = new DocumentMetrics(new SimpleMeterRegistry(), () -> 0);
        RelayConfig.Documents config = new RelayConfig.Documents(true, "127.0.0.1", 0, dir.toString(),
                TestDocuments.SECRET, 8 << 20, 8 << 20, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofMinutes(1), false, 1, "", java.util.List.of());
        relay = new DocumentRelay(config, tokens, new DocumentStore(dir), disk,
                DocumentListener.NONE, metrics, clock);
        ch = new EmbeddedChannel(new TusRequestDecoder(), new DocumentHandler(relay));
        token = new TestDocuments.Tokens(tokens).station(CALL);
    }

    @AfterEach
    void tearDown() {
        disk.close();
    }

    private HttpRequest request(HttpMethod method, String uri, String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        req.headers().set("Tus-Resumable", "1.0.0").set("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().set(headers[i], headers[i + 1]);
        }
        return req;
    }

    private FullHttpResponse response() {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            ch.runPendingTasks();
            return !ch.outboundMessages().isEmpty();
        });
        return ch.readOutbound();
    }

    @Test
    void optionsNeedsNoTokenAndKeepsTheConnection() {
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, "/files/"),
                new DefaultLastHttpContent());

        FullHttpResponse res = response();
        assertThat(res.status().code()).isEqualTo(204);
        assertThat(res.headers().get("Tus-Resumable")).isEqualTo("1.0.0");
        res.release();
        assertThat(ch.isActive()).isTrue();
        assertThat(ch.config().isAutoRead()).isTrue();
        assertFalse(ch.finish());
    }

    @Test
    void aProblemIsAnsweredAsJsonWithItsCode() {
        ch.writeInbound(request(HttpMethod.PATCH, "/files/nonsense", "Upload-Offset", "0"),
                new DefaultLastHttpContent());

        FullHttpResponse res = response();
        assertThat(res.status().code()).isEqualTo(404);
        assertThat(res.content().toString(StandardCharsets.UTF_8)).contains("\"error\":\"not_found\"");
        res.release();
        assertFalse(ch.finish());
    }

    @Test
    void readingStopsWhileTheDiskIsBehindAndResumesWhenItCatchesUp() throws Exception {
        int chunk = 64 * 1024;
        int chunks = (int) (PatchSession.HIGH_WATER / chunk) + 4;
        Upload u = relay.create(tokenGrant(), (long) chunk * chunks, UploadMetadata.NONE).upload();
        CountDownLatch slowDisk = new CountDownLatch(1);
        u.executor.execute(() -> block(slowDisk));
        ch.writeInbound(request(HttpMethod.PATCH, "/files/" + u.id, "Upload-Offset", "0",
                "Content-Type", "application/offset+octet-stream", "Content-Length",
                Long.toString((long) chunk * chunks)));

        byte[] data = TestDocuments.jpeg(chunk, 31);
        for (int i = 0; i < chunks; i++) {
            ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(data)));
        }
        assertThat(ch.config().isAutoRead()).as("over %d bytes wait for the disk", PatchSession.HIGH_WATER)
                .isFalse();

        slowDisk.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            ch.runPendingTasks();
            return ch.config().isAutoRead();
        });
        ch.writeInbound(new DefaultLastHttpContent());
        FullHttpResponse res = response();
        assertThat(res.status().code()).isEqualTo(204);
        assertThat(res.headers().get("Upload-Offset")).isEqualTo(Long.toString((long) chunk * chunks));
        res.release();
        assertFalse(ch.finish());
    }

    private io.doorstep.documents.DocumentToken tokenGrant() {
        return relay.authenticate(token);
    }

    private static void block(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
