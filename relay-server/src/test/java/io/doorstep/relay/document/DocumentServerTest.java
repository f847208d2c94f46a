package io.doorstep.relay.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentRole;
import io.doorstep.relay.server.LeakCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The document relay over real sockets: tus uploads, downloads while uploading, access, limits, disk. */
@ExtendWith(LeakCheck.class)
class DocumentServerTest {
    private static final String CALL = "c-juKU-ruIl-W3KkPe";
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private TestDocuments docs;
    private String station;

    @BeforeEach
    void start() {
        docs = new TestDocuments(dir);
        station = docs.station(CALL);
    }

    @AfterEach
    void stop() {
        docs.close();
    }

    @Test
    void optionsAdvertisesVersionExtensionsAndLimits() {
        HttpResponse<String> r = docs.send("OPTIONS", "/files/", null, Map.of(), null);

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Tus-Version")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Tus-Extension"))
                .hasValue("creation,creation-with-upload,termination,checksum,expiration");
        assertThat(r.headers().firstValue("Tus-Checksum-Algorithm")).hasValue("sha256");
        assertThat(r.headers().firstValue("Tus-Max-Size")).hasValue(Long.toString(TestDocuments.MAX_DOCUMENT));
    }

    @Test
    void uploadInChunksThenHeadAndDownloadReportTheWholeFileHash() throws Exception {
        byte[] scan = TestDocuments.jpeg(300_000, 1);
        String path = docs.create(station, scan.length);

        assertThat(docs.patch(path, station, 0, Arrays.copyOfRange(scan, 0, 100_000)).statusCode()).isEqualTo(204);
        HttpResponse<String> head = docs.send("HEAD", path, station, Map.of(), null);
        assertThat(head.headers().firstValue("Upload-Offset")).hasValue("100000");
        assertThat(head.headers().firstValue("Upload-Length")).hasValue("300000");
        assertThat(head.headers().firstValue("Upload-Expires")).isPresent();
        assertThat(head.headers().firstValue("Doorstep-Document-Sha256")).isEmpty();
        HttpResponse<String> last = docs.patch(path, station, 100_000, Arrays.copyOfRange(scan, 100_000, scan.length));

        assertThat(last.statusCode()).isEqualTo(204);
        assertThat(last.headers().firstValue("Upload-Offset")).hasValue("300000");
        assertThat(last.headers().firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
        assertThat(docs.send("HEAD", path, docs.agent(CALL), Map.of(), null).headers()
                .firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
        HttpResponse<InputStream> get = docs.download(path, docs.agent(CALL));
        assertThat(get.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(get.body().readAllBytes()).isEqualTo(scan);
        String id = path.substring("/files/".length());
        await().atMost(WAIT).untilAsserted(() -> assertThat(docs.events)
                .contains("completed " + id + " 300000 " + TestDocuments.sha256(scan)));
        assertThat(Files.readAllBytes(docs.documents().resolve(id + ".data"))).isEqualTo(scan);
    }

    @Test
    void aLongBodyIsWrittenBackWhileItArrivesAndAChecksummedOneIsNot() {
        assertThat(TestDocuments.MAX_DOCUMENT).isEqualTo(PatchSession.WRITE_BACK_BYTES); // one write-back per body
        byte[] checked = TestDocuments.jpeg((int) TestDocuments.MAX_DOCUMENT, 30);
        String first = docs.create(station, checked.length);
        assertThat(docs.send("PATCH", first, station, Map.of("Upload-Offset", "0", "Content-Type",
                "application/offset+octet-stream", "Upload-Checksum", "sha256 " + TestDocuments.sha256Base64(checked)),
                checked).statusCode()).isEqualTo(204);
        assertThat(writeBackCount()).isZero(); // its body went to the .patch file: not written back early

        byte[] scan = TestDocuments.jpeg((int) TestDocuments.MAX_DOCUMENT, 31);
        HttpResponse<String> r = docs.patch(docs.create(station, scan.length), station, 0, scan);

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
        await().atMost(WAIT).until(() -> writeBackCount() == 1);
    }

    private long writeBackCount() {
        return docs.registry.get("doorstep.relay.documents.writeback").timer().count();
    }

    @Test
    void auditTrailHasEveryEventWithTheHashAndNoFileName() throws Exception {
        byte[] scan = TestDocuments.jpeg(20_000, 2);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, scan);
        docs.download(path, docs.agent(CALL)).body().readAllBytes();
        docs.send("DELETE", path, station, Map.of(), null);

        await().atMost(WAIT).until(() -> docs.audit().size() == 4);
        assertThat(docs.audit()).satisfiesExactly(
                l -> assertThat(l).contains("\"event\":\"created\"", "\"by\":\"st-lianmin\"", "\"call\":\"" + CALL),
                l -> assertThat(l).contains("\"event\":\"completed\"", TestDocuments.sha256(scan)),
                l -> assertThat(l).contains("\"event\":\"read\"", "\"by\":\"ag-wang\"", "\"role\":\"agent\""),
                l -> assertThat(l).contains("\"event\":\"deleted\"", "\"reason\":\"terminated\""));
        assertThat(String.join("\n", docs.audit())).doesNotContain("户口本").doesNotContain("filename");
    }

    @Test
    void creationWithUploadTakesTheFirstBytesInThePost() {
        byte[] scan = TestDocuments.jpeg(5_000, 3);
        HttpResponse<String> r = docs.send("POST", "/files/", station, Map.of("Upload-Length", "5000",
                "Content-Type", "application/offset+octet-stream"), Arrays.copyOf(scan, 2_000));

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Upload-Offset")).hasValue("2000");
        String path = r.headers().firstValue("Location").orElseThrow();
        assertThat(docs.patch(path, station, 2_000, Arrays.copyOfRange(scan, 2_000, 5_000)).headers()
                .firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
    }

    @Test
    void patchAtTheWrongOffsetIs409AndChangesNothing() {
        byte[] scan = TestDocuments.jpeg(10_000, 4);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, Arrays.copyOf(scan, 4_000));

        HttpResponse<String> r = docs.patch(path, station, 3_000, Arrays.copyOfRange(scan, 3_000, 10_000));

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("offset_mismatch");
        assertThat(docs.send("HEAD", path, station, Map.of(), null).headers().firstValue("Upload-Offset"))
                .hasValue("4000");
    }

    @Test
    void checksumMismatchIs460AndTheBodyIsDiscarded() {
        byte[] scan = TestDocuments.jpeg(10_000, 5);
        String path = docs.create(station, scan.length);
        byte[] first = Arrays.copyOf(scan, 6_000);

        HttpResponse<String> bad = docs.send("PATCH", path, station, Map.of("Upload-Offset", "0",
                "Content-Type", "application/offset+octet-stream", "Upload-Checksum",
                "sha256 " + TestDocuments.sha256Base64(new byte[] {1})), first);
        HttpResponse<String> good = docs.send("PATCH", path, station, Map.of("Upload-Offset", "0",
                "Content-Type", "application/offset+octet-stream", "Upload-Checksum",
                "sha256 " + TestDocuments.sha256Base64(first)), first);

        assertThat(bad.statusCode()).isEqualTo(460);
        assertThat(good.statusCode()).isEqualTo(204);
        assertThat(good.headers().firstValue("Upload-Offset")).hasValue("6000");
        assertThat(docs.patch(path, station, 6_000, Arrays.copyOfRange(scan, 6_000, 10_000)).headers()
                .firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
        assertThat(docs.send("PATCH", path, station, Map.of("Upload-Offset", "0", "Content-Type",
                "application/offset+octet-stream", "Upload-Checksum", "md5 abc"), first).statusCode()).isEqualTo(400);
    }

    @Test
    void terminationDeletesTheFilesAndTheDocumentIsGone() {
        byte[] scan = TestDocuments.jpeg(10_000, 6);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, Arrays.copyOf(scan, 5_000));

        assertThat(docs.send("DELETE", path, station, Map.of(), null).statusCode()).isEqualTo(204);

        String id = path.substring("/files/".length());
        assertThat(docs.documents().resolve(id + ".data")).doesNotExist();
        assertThat(docs.documents().resolve(id + ".json")).doesNotExist();
        assertThat(docs.send("HEAD", path, station, Map.of(), null).statusCode()).isEqualTo(410);
        assertThat(docs.patch(path, station, 5_000, new byte[10]).statusCode()).isEqualTo(410);
        await().atMost(WAIT).untilAsserted(() -> assertThat(docs.events)
                .contains("abandoned " + id + " terminated", "deleted " + id + " terminated"));
    }

    @Test
    void readerGetsEachChunkAsItArrivesAndTheWholeDocument() throws Exception {
        byte[] scan = TestDocuments.jpeg(200_000, 7);
        String path = docs.create(station, scan.length);
        HttpResponse<InputStream> get;
        try (RawHttp upload = RawHttp.patch(docs.port(), path, station, 0, scan.length)) {
            upload.body(scan, 0, 50_000);
            get = docs.download(path, docs.agent(CALL));
            InputStream body = get.body();
            byte[] first = body.readNBytes(50_000);
            assertThat(first).isEqualTo(Arrays.copyOf(scan, 50_000));

            long sent = System.nanoTime();
            upload.body(scan, 50_000, 50_001);
            int next = body.read();
            long firstByteMillis = (System.nanoTime() - sent) / 1_000_000;

            assertThat(next).isEqualTo(scan[50_000] & 0xFF);
            assertThat(firstByteMillis).as("a byte reaches the waiting reader at once").isLessThan(500);
            upload.body(scan, 50_001, scan.length);
            assertThat(upload.responseHead()).startsWith("HTTP/1.1 204");
            assertThat(body.readAllBytes()).isEqualTo(Arrays.copyOfRange(scan, 50_001, scan.length));
        }
        assertThat(get.headers().firstValue("Upload-Length")).hasValue("200000");
        // recorded when the relay's write completes, which the reader may see before the relay does
        await().atMost(WAIT).until(() -> docs.registry.get("doorstep.relay.documents.forward.latency").timer()
                .count() > 0);
        assertThat(docs.counter("doorstep.relay.documents.bytes", "direction", "out")).isEqualTo(200_000);
    }

    @Test
    void aReaderCanWaitForTheFirstByteOfAnUploadJustCreated() throws Exception {
        byte[] scan = TestDocuments.jpeg(5_000, 18);
        String path = docs.create(station, scan.length);
        var get = docs.downloadAsync(path, docs.agent(CALL)); // the answer starts with the first bytes
        await().atMost(WAIT).until(() -> docs.counter("doorstep.relay.documents.reads") == 1);

        assertThat(docs.patch(path, station, 0, scan).statusCode()).isEqualTo(204);

        assertThat(get.get(5, java.util.concurrent.TimeUnit.SECONDS).body().readAllBytes()).isEqualTo(scan);
    }

    @Test
    void chunkedDownloadEndsWithTheHashAsATrailer() throws Exception {
        byte[] scan = TestDocuments.jpeg(1_000, 8);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, Arrays.copyOf(scan, 500));
        try (RawHttp get = RawHttp.get(docs.port(), path, docs.agent(CALL))) {
            assertThat(get.responseHead()).contains("transfer-encoding: chunked");

            docs.patch(path, station, 500, Arrays.copyOfRange(scan, 500, 1_000));

            assertThat(get.readUntil("\r\n0\r\n")).endsWith("\r\n0\r\n");
            assertThat(get.readUntil("\r\n\r\n"))
                    .isEqualTo("Doorstep-Document-Sha256: " + TestDocuments.sha256(scan) + "\r\n\r\n");
        }
    }

    @Test
    void readerOfAnAbandonedUploadGetsAnIncompleteBodyNotAShortDocument() throws Exception {
        byte[] scan = TestDocuments.jpeg(10_000, 9);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, Arrays.copyOf(scan, 3_000));
        HttpResponse<InputStream> get = docs.download(path, docs.agent(CALL));
        InputStream body = get.body();
        assertThat(body.readNBytes(3_000)).isEqualTo(Arrays.copyOf(scan, 3_000));

        docs.send("DELETE", path, station, Map.of(), null);

        assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
        assertThat(docs.download(path, docs.agent(CALL)).statusCode()).isEqualTo(410);
    }

    @Test
    void tokensAreCheckedForCallRoleAndPermission() {
        byte[] scan = TestDocuments.jpeg(10_000, 10);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, scan);
        String otherCall = docs.station("c-another-call");
        String operator = docs.tokens.issue("op-1", CALL, DocumentRole.OPERATOR_AUDIT,
                Set.of(DocumentPermission.READ), Duration.ofMinutes(5));

        assertThat(docs.send("HEAD", path, otherCall, Map.of(), null).statusCode()).isEqualTo(403);
        assertThat(docs.send("GET", path, otherCall, Map.of(), null).statusCode()).isEqualTo(403);
        assertThat(docs.send("DELETE", path, docs.agent(CALL), Map.of(), null).statusCode()).isEqualTo(403);
        assertThat(docs.send("POST", "/files/", docs.agent(CALL), Map.of("Upload-Length", "100"), null).statusCode())
                .isEqualTo(403);
        assertThat(docs.send("GET", path, operator, Map.of(), null).statusCode()).as("audit access off").isEqualTo(403);
        HttpResponse<String> none = docs.send("HEAD", path, null, Map.of(), null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(docs.send("HEAD", path, station + "x", Map.of(), null).statusCode()).isEqualTo(401);
        assertThat(docs.send("HEAD", "/files/AAAAAAAAAAAAAAAAAAAAAAAA", station, Map.of(), null).statusCode())
                .isEqualTo(404);
        assertThat(docs.send("HEAD", "/files/..%2F..%2Fdocument-secret", station, Map.of(), null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void operatorAuditTokensReadWhenEnabledAndNeverWrite() throws Exception {
        docs.close();
        docs = new TestDocuments(dir.resolve("audit-on"), true);
        byte[] scan = TestDocuments.jpeg(10_000, 17);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, scan);
        String operator = docs.tokens.issue("op-district", CALL, DocumentRole.OPERATOR_AUDIT,
                Set.of(DocumentPermission.READ, DocumentPermission.UPLOAD), Duration.ofMinutes(5));

        assertThat(docs.download(path, operator).body().readAllBytes()).isEqualTo(scan);
        assertThat(docs.send("DELETE", path, operator, Map.of(), null).statusCode()).isEqualTo(403);
        assertThat(docs.send("POST", "/files/", operator, Map.of("Upload-Length", "100"), null).statusCode())
                .isEqualTo(403);
        await().atMost(WAIT).until(() -> docs.audit().stream().anyMatch(l -> l.contains("\"by\":\"op-district\"")
                && l.contains("\"role\":\"operator-audit\"")));
    }

    @Test
    void contentThatIsNotJpegPngOrPdfIsRefusedAndDeleted() {
        byte[] gif = "GIF89a-not-a-scan-at-all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String path = docs.create(station, gif.length);

        HttpResponse<String> r = docs.patch(path, station, 0, gif);

        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(docs.send("HEAD", path, station, Map.of(), null).statusCode()).isEqualTo(410);
        String id = path.substring("/files/".length());
        assertThat(docs.documents().resolve(id + ".data")).doesNotExist();
        await().atMost(WAIT).untilAsserted(() -> assertThat(docs.events).contains("abandoned " + id + " type"));
        assertThat(docs.send("POST", "/files/", station, Map.of("Upload-Length", "100", "Upload-Metadata",
                "filetype " + TestDocuments.b64("image/gif")), null).statusCode()).isEqualTo(415);
        assertThat(docs.counter("doorstep.relay.documents.uploads.failed", "reason", "type")).isEqualTo(1);
    }

    @Test
    void documentsOverTheLimitsAreRefused() {
        assertThat(docs.send("POST", "/files/", station,
                Map.of("Upload-Length", Long.toString(TestDocuments.MAX_DOCUMENT + 1)), null).statusCode())
                .isEqualTo(413);
        docs.create(station, TestDocuments.MAX_DOCUMENT);
        docs.create(station, TestDocuments.MAX_DOCUMENT);
        docs.create(station, TestDocuments.MAX_DOCUMENT);
        HttpResponse<String> overCall = docs.send("POST", "/files/", station, Map.of("Upload-Length", "100"), null);
        assertThat(overCall.statusCode()).isEqualTo(413);
        assertThat(overCall.body()).contains("this call");
        String other = docs.station("c-other");
        String path = docs.create(other, 100);
        assertThat(docs.patch(path, other, 0, TestDocuments.jpeg(101, 11)).statusCode()).isEqualTo(413);
    }

    @Test
    void interruptedPatchKeepsWhatArrivedAndTheUploadResumes() throws Exception {
        byte[] scan = TestDocuments.jpeg(100_000, 12);
        String path = docs.create(station, scan.length);
        try (RawHttp upload = RawHttp.patch(docs.port(), path, station, 0, scan.length)) {
            upload.body(scan, 0, 40_000);
            await().atMost(WAIT).until(() -> offset(path) == 40_000);
        } // the village uplink drops

        assertThat(docs.patch(path, station, 40_000, Arrays.copyOfRange(scan, 40_000, scan.length)).headers()
                .firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
    }

    @Test
    void aNewerPatchTakesOverAndTheOlderOneCannotInterleave() throws Exception {
        byte[] scan = TestDocuments.jpeg(100_000, 13);
        String path = docs.create(station, scan.length);
        try (RawHttp stale = RawHttp.patch(docs.port(), path, station, 0, scan.length)) {
            stale.body(scan, 0, 30_000);
            await().atMost(WAIT).until(() -> offset(path) == 30_000);

            HttpResponse<String> fresh = docs.patch(path, station, 30_000, Arrays.copyOfRange(scan, 30_000, scan.length));

            assertThat(fresh.statusCode()).isEqualTo(204);
            assertThat(stale.responseHead()).startsWith("HTTP/1.1 409");
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    stale.body(scan, 30_000, 60_000);
                }
            }).isInstanceOf(IOException.class);
        }
        assertThat(docs.download(path, docs.agent(CALL)).body().readAllBytes()).isEqualTo(scan);
    }

    @Test
    void aPartialUploadSurvivesARestartAndResumes() throws Exception {
        byte[] scan = TestDocuments.jpeg(100_000, 14);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, Arrays.copyOf(scan, 60_000));

        docs.restart();

        assertThat(offset(path)).isEqualTo(60_000);
        HttpResponse<String> r = docs.patch(path, station, 60_000, Arrays.copyOfRange(scan, 60_000, scan.length));
        assertThat(r.headers().firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
        docs.restart();
        HttpResponse<String> head = docs.send("HEAD", path, station, Map.of(), null);
        assertThat(head.headers().firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
        assertThat(head.headers().firstValue("Upload-Expires")).as("complete: no expiry").isEmpty();
    }

    @Test
    void aCompletionRecordLostInACrashIsRebuiltFromTheBytesAtRestart() throws Exception {
        byte[] scan = TestDocuments.jpeg(50_000, 19);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, scan);
        Path record = docs.documents().resolve(path.substring("/files/".length()) + ".json");
        docs.stop();
        // As after a crash before the (unsynced) completion record reached the disk: all bytes, no hash.
        Files.writeString(record, Files.readString(record).replaceAll("\"sha256\":\"[0-9a-f]+\"", "\"sha256\":null")
                .replaceAll("\"completedAt\":[0-9]+", "\"completedAt\":null").replaceAll("\"type\":\"JPEG\"",
                        "\"type\":null"));
        assertThat(Files.readString(record)).doesNotContain(TestDocuments.sha256(scan));

        docs.start();

        await().atMost(WAIT).until(() -> docs.send("HEAD", path, station, Map.of(), null).headers()
                .firstValue("Doorstep-Document-Sha256").orElse("").equals(TestDocuments.sha256(scan)));
        assertThat(docs.download(path, docs.agent(CALL)).body().readAllBytes()).isEqualTo(scan);
    }

    @Test
    void retentionDeletesCompletedDocumentsAndExpiryUnfinishedOnes() throws Exception {
        byte[] scan = TestDocuments.jpeg(10_000, 15);
        String done = docs.create(station, scan.length);
        docs.patch(done, station, 0, scan);
        String stalled = docs.create(station, scan.length);
        docs.patch(stalled, station, 0, Arrays.copyOf(scan, 100));

        docs.clock.advance(TestDocuments.EXPIRY.plusSeconds(1));
        String later = docs.station(CALL); // tokens live minutes: the first has expired on the moved clock
        await().atMost(WAIT).until(() -> docs.send("HEAD", stalled, later, Map.of(), null).statusCode() == 410);
        assertThat(docs.send("HEAD", done, later, Map.of(), null).statusCode()).isEqualTo(200);

        // No call end heard: retention counts from call-end-wait after completion. One second before it is due
        // (the clock already stands one second past EXPIRY), so the sweeper cannot have taken it yet.
        docs.clock.advance(TestDocuments.CALL_END_WAIT.plus(TestDocuments.RETENTION).minus(TestDocuments.EXPIRY)
                .minusSeconds(2));
        assertThat(docs.send("HEAD", done, docs.station(CALL), Map.of(), null).statusCode()).isEqualTo(200);
        docs.clock.advance(TestDocuments.EXPIRY);
        String fresh = docs.station(CALL);
        await().atMost(WAIT).until(() -> docs.send("HEAD", done, fresh, Map.of(), null).statusCode() == 410);
        // Nothing of the documents; the expired upload's tombstone has aged past the retention period too.
        await().atMost(WAIT).untilAsserted(() -> {
            try (var left = Files.list(docs.documents())) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(AuditTrail.FILE, done.substring(7) + ".gone");
            }
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(docs.events)
                .contains("deleted " + done.substring(7) + " retention",
                        "abandoned " + stalled.substring(7) + " expired"));
    }

    /** The signalling server says when the call ended; retention counts from then, also across a restart. */
    @Test
    void retentionCountsFromTheEndOfTheCall() throws Exception {
        byte[] scan = TestDocuments.jpeg(10_000, 23);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, scan);
        docs.clock.advance(Duration.ofHours(2)); // a long call
        assertThat(docs.callEnded(CALL).statusCode()).isEqualTo(202);
        assertThat(docs.callEnded(CALL).statusCode()).as("told again: the first end stands").isEqualTo(202);
        Path record = docs.documents().resolve(path.substring("/files/".length()) + ".json");
        await().atMost(WAIT).until(() -> Files.readString(record).contains("\"callEndedAt\":1"));
        docs.restart();

        docs.clock.advance(TestDocuments.RETENTION.minusMinutes(1));
        String later = docs.station(CALL);
        assertThat(docs.send("HEAD", path, later, Map.of(), null).statusCode()).as("retained").isEqualTo(200);
        docs.clock.advance(Duration.ofMinutes(2));
        String fresh = docs.station(CALL);
        await().atMost(WAIT).until(() -> docs.send("HEAD", path, fresh, Map.of(), null).statusCode() == 410);
        await().atMost(WAIT).untilAsserted(() -> assertThat(docs.events)
                .contains("deleted " + path.substring(7) + " retention"));
    }

    @Test
    void aCallEndMustBeSignedWellFormedAndPosted() {
        byte[] body = "{\"callId\":\"c-x\",\"endedAt\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> unsigned = docs.send("POST", CallEndHandler.PATH, null, Map.of(), body);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("signature_required");
        // Signed with the key of the relay's own document events: not valid for call ends.
        io.doorstep.documents.EventSignature events = new io.doorstep.documents.EventSignature(
                TestDocuments.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), docs.clock);
        String ts = events.timestamp();
        assertThat(docs.send("POST", CallEndHandler.PATH, null, Map.of("Doorstep-Timestamp", ts,
                "Doorstep-Signature", events.sign(ts, body)), body).statusCode()).isEqualTo(401);
        assertThat(docs.send("GET", CallEndHandler.PATH, null, Map.of(), null).statusCode()).isEqualTo(405);
        assertThat(docs.callEnded("").statusCode()).isEqualTo(400);
    }

    /** docs/documents.md: 410 for a deleted document, restart or not, for a retention period; 404 for unknown ids. */
    @Test
    void aDeletedDocumentIsGoneAlsoAfterARestartAndUnknownOnceItsRetentionHasPassed() throws Exception {
        byte[] scan = TestDocuments.jpeg(10_000, 21);
        String retained = docs.create(station, scan.length);
        docs.patch(retained, station, 0, scan);
        docs.callEnded(CALL);
        docs.clock.advance(TestDocuments.RETENTION.plusSeconds(1));
        String later = docs.station(CALL);
        await().atMost(WAIT).until(() -> docs.send("HEAD", retained, later, Map.of(), null).statusCode() == 410);
        String terminated = docs.create(later, scan.length);
        docs.patch(terminated, later, 0, Arrays.copyOf(scan, 100));
        assertThat(docs.send("DELETE", terminated, later, Map.of(), null).statusCode()).isEqualTo(204);

        docs.restart();

        for (String path : List.of(retained, terminated)) {
            assertThat(docs.send("HEAD", path, later, Map.of(), null).statusCode()).as(path).isEqualTo(410);
            assertThat(docs.download(path, docs.agent(CALL)).statusCode()).as(path).isEqualTo(410);
            assertThat(docs.patch(path, later, 100, new byte[10]).statusCode()).as(path).isEqualTo(410);
        }
        assertThat(docs.send("HEAD", "/files/AAAAAAAAAAAAAAAAAAAAAAAA", later, Map.of(), null).statusCode())
                .as("never was").isEqualTo(404);

        docs.clock.advance(TestDocuments.RETENTION);
        String fresh = docs.station(CALL);
        await().atMost(WAIT).until(() -> docs.send("HEAD", terminated, fresh, Map.of(), null).statusCode() == 404);
        assertThat(docs.send("HEAD", retained, fresh, Map.of(), null).statusCode()).isEqualTo(404);
        await().atMost(WAIT).untilAsserted(() -> {
            try (var left = Files.list(docs.documents())) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly(AuditTrail.FILE);
            }
        });
        docs.restart();
        assertThat(docs.send("HEAD", retained, fresh, Map.of(), null).statusCode()).isEqualTo(404);
    }

    /** A crash between writing a tombstone and deleting the files: the document does not come back. */
    @Test
    void aDeletionInterruptedByACrashIsFinishedAtTheNextStart() throws Exception {
        byte[] scan = TestDocuments.jpeg(10_000, 22);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, scan);
        String id = path.substring("/files/".length());
        Path record = docs.documents().resolve(id + ".json");
        Path data = docs.documents().resolve(id + ".data");
        byte[] recordBytes = Files.readAllBytes(record);
        byte[] dataBytes = Files.readAllBytes(data);
        assertThat(docs.send("DELETE", path, station, Map.of(), null).statusCode()).isEqualTo(204);
        docs.stop();
        Files.write(record, recordBytes); // as if the crash came right after the tombstone was written
        Files.write(data, dataBytes);

        docs.start();

        assertThat(docs.send("HEAD", path, station, Map.of(), null).statusCode()).isEqualTo(410);
        assertThat(record).doesNotExist();
        assertThat(data).doesNotExist();
    }

    @Test
    void metricsCountCompletedUploadsAndBytes() {
        byte[] scan = TestDocuments.jpeg(10_000, 16);
        String path = docs.create(station, scan.length);
        assertThat(docs.registry.get("doorstep.relay.documents.uploads.active").gauge().value()).isEqualTo(1);
        docs.patch(path, station, 0, scan);

        assertThat(docs.counter("doorstep.relay.documents.uploads.completed")).isEqualTo(1);
        assertThat(docs.counter("doorstep.relay.documents.bytes", "direction", "in")).isEqualTo(10_000);
        assertThat(docs.counter("doorstep.relay.documents.requests", "operation", "PATCH", "status", "204"))
                .isEqualTo(1);
        assertThat(docs.registry.get("doorstep.relay.documents.uploads.active").gauge().value()).isZero();
    }

    private long offset(String path) {
        return Long.parseLong(docs.send("HEAD", path, station, Map.of(), null).headers()
                .firstValue("Upload-Offset").orElse("-1"));
    }

    // A reader whose download broke off resumes it with a Range.

    private String uploaded(byte[] scan) {
        String path = docs.create(station, scan.length);
        assertThat(docs.patch(path, station, 0, scan).statusCode()).isEqualTo(204);
        return path;
    }

    private HttpResponse<byte[]> range(String path, String range) throws Exception {
        return docs.downloadRange(path, docs.agent(CALL), range).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBrokenOffDownloadResumesWhereItStopped() throws Exception {
        byte[] scan = TestDocuments.jpeg(10_000, 30);
        String path = uploaded(scan);

        HttpResponse<byte[]> rest = range(path, "bytes=4000-");
        HttpResponse<byte[]> slice = range(path, "bytes=10-19");

        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.headers().firstValue("Content-Range")).hasValue("bytes 4000-9999/10000");
        assertThat(rest.headers().firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
        assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(scan, 4000, 10_000));
        assertThat(slice.headers().firstValue("Content-Range")).hasValue("bytes 10-19/10000");
        assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(scan, 10, 20));
        assertThat(docs.counter("doorstep.relay.documents.requests", "operation", "GET", "status", "206"))
                .isEqualTo(2);
    }

    @Test
    void aRangeOfAnUploadStillArrivingFollowsItToTheRangesEnd() throws Exception {
        byte[] scan = TestDocuments.jpeg(10_000, 31);
        String path = docs.create(station, scan.length);
        docs.patch(path, station, 0, Arrays.copyOf(scan, 3_000));

        var rest = docs.downloadRange(path, docs.agent(CALL), "bytes=2000-7999");
        docs.patch(path, station, 3_000, Arrays.copyOfRange(scan, 3_000, 10_000));

        HttpResponse<byte[]> r = rest.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 2000-7999/10000");
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(scan, 2000, 8000));
    }

    @Test
    void aRangePastTheEndIsNotSatisfiableAndOtherFormsGetTheWholeDocument() throws Exception {
        byte[] scan = TestDocuments.jpeg(1_000, 32);
        String path = uploaded(scan);

        HttpResponse<byte[]> past = range(path, "bytes=1000-");
        HttpResponse<byte[]> suffix = range(path, "bytes=-100");

        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */1000");
        assertThat(suffix.statusCode()).as("a suffix range is ignored, as RFC 9110 allows").isEqualTo(200);
        assertThat(suffix.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(suffix.body()).isEqualTo(scan);
    }

    // Browsers reach the relay from the configured web page origins only (CORS).

    @Test
    void aPreflightFromTheDeskIsAllowedWithTheTusMethodsAndHeaders() {
        HttpResponse<String> r = docs.send("OPTIONS", "/files/", null, Map.of("Origin", TestDocuments.DESK_ORIGIN,
                "Access-Control-Request-Method", "PATCH",
                "Access-Control-Request-Headers", "authorization,tus-resumable,upload-offset,content-type"), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(TestDocuments.DESK_ORIGIN);
        assertThat(String.join(",", r.headers().allValues("Access-Control-Allow-Methods"))).contains("PATCH", "DELETE");
        assertThat(String.join(",", r.headers().allValues("Access-Control-Allow-Headers")).toLowerCase())
                .contains("authorization", "tus-resumable", "upload-offset", "upload-checksum");
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).as("tokens, not cookies").isEmpty();
    }

    @Test
    void theDeskSeesTheTusHeadersOfAnAnswer() {
        HttpResponse<String> r = docs.send("POST", "/files/", station, Map.of("Origin", TestDocuments.DESK_ORIGIN,
                "Upload-Length", "1000"), null);

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(TestDocuments.DESK_ORIGIN);
        assertThat(String.join(",", r.headers().allValues("Access-Control-Expose-Headers")))
                .contains("Location", "Upload-Offset", "Tus-Resumable", "Doorstep-Document-Sha256");
    }

    @Test
    void anotherSiteIsRefusedAndItsUploadNeverReachesTheDisk() throws Exception {
        byte[] scan = TestDocuments.jpeg(20_000, 3);
        HttpResponse<String> r = docs.send("POST", "/files/", station, Map.of("Origin", "https://evil.example",
                "Upload-Length", Integer.toString(scan.length),
                "Content-Type", "application/offset+octet-stream"), scan);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        try (Stream<Path> files = Files.list(docs.documents())) {
            assertThat(files.filter(f -> !f.getFileName().toString().equals("audit.jsonl")))
                    .as("no document created").isEmpty();
        }
        assertThat(docs.create(station, 1000)).as("the relay carries on").startsWith("/files/");
    }

    @Test
    void aPageOfThisMachineThatIsNotConfiguredIsRefusedToo() {
        HttpResponse<String> fromDesk = docs.send("HEAD", "/files/AAAAAAAAAAAAAAAAAAAAAAAA", station,
                Map.of("Origin", "http://localhost:8080"), null);

        assertThat(fromDesk.statusCode()).as("not among the configured origins").isEqualTo(403);
    }
}
