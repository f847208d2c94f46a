package io.doorstep.relay.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.doorstep.relay.document.TusRequest.Operation;
import io.doorstep.relay.server.LeakCheck;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests become TusRequests: routes, tus headers and every way they can be wrong. */
@ExtendWith(LeakCheck.class)
class TusRequestDecoderTest {
    private static final String ID = "AbCdEfGhIjKlMnOpQrStUv-_";

    private static HttpRequest request(HttpMethod method, String uri, String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        req.headers().set("Tus-Resumable", "1.0.0");
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().set(headers[i], headers[i + 1]);
        }
        return req;
    }

    @Test
    void patchCarriesOffsetChecksumTokenAndBody() {
        TusRequest r = TusRequestDecoder.decode(request(HttpMethod.PATCH, "/files/" + ID, "Upload-Offset", "42",
                "Content-Type", "application/offset+octet-stream", "Content-Length", "10",
                "Authorization", "Bearer abc.def.ghi",
                "Upload-Checksum", "sha256 " + TestDocuments.sha256Base64(new byte[] {1})));

        assertThat(r.problem()).isNull();
        assertThat(r.operation()).isEqualTo(Operation.PATCH);
        assertThat(r.id()).isEqualTo(new DocumentId(ID));
        assertThat(r.uploadOffset()).isEqualTo(42);
        assertThat(r.token()).isEqualTo("abc.def.ghi");
        assertThat(r.octetStream()).isTrue();
        assertThat(r.hasBody()).isTrue();
        assertThat(r.checksum().sha256()).hasSize(32);
    }

    @Test
    void creationParsesTheMetadata() {
        TusRequest r = TusRequestDecoder.decode(request(HttpMethod.POST, "/files/", "Upload-Length", "1000",
                "Upload-Metadata", "filename " + TestDocuments.b64("病历本.pdf") + ",page " + TestDocuments.b64("3")
                        + ",device " + TestDocuments.b64("agent-form") + ",is_confidential"));

        assertThat(r.operation()).isEqualTo(Operation.CREATE);
        assertThat(r.uploadLength()).isEqualTo(1000);
        assertThat(r.metadata().filename()).isEqualTo("病历本.pdf");
        assertThat(r.metadata().page()).isEqualTo(3);
        assertThat(r.metadata().device()).isEqualTo("agent-form");
        assertThat(r.metadata().values()).containsEntry("is_confidential", "");
    }

    @Test
    void methodOverrideTurnsAPostIntoAPatch() {
        TusRequest r = TusRequestDecoder.decode(request(HttpMethod.POST, "/files/" + ID,
                "X-HTTP-Method-Override", "PATCH", "Upload-Offset", "0"));

        assertThat(r.operation()).isEqualTo(Operation.PATCH);
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "PATCH | /files/short-id | Upload-Offset: 0 | not_found",
        "PATCH | /files/../../etc/passwd | Upload-Offset: 0 | not_found",
        "GET | /other | x: y | not_found",
        "PUT | /files/" + ID + " | x: y | method_not_allowed",
        "GET | /files/ | x: y | method_not_allowed",
        "PATCH | /files/" + ID + " | Upload-Offset: -1 | bad_request",
        "PATCH | /files/" + ID + " | Upload-Offset: 12abc | bad_request",
        "POST | /files/ | Upload-Defer-Length: 1 | bad_request",
        "POST | /files/ | x: y | bad_request",
        "POST | /files/ | Upload-Metadata: filename !!! | bad_request",
        "POST | /files/ | Upload-Metadata: page MA== | bad_request",
        "POST | /files/ | Upload-Metadata: device c2Nhbm5lcg== | bad_request",
        "POST | /files/ | Upload-Metadata: filetype aW1hZ2UvZ2lm | unsupported_type",
        "PATCH | /files/" + ID + " | Upload-Checksum: md5 AAAA | bad_request",
        "PATCH | /files/" + ID + " | Upload-Checksum: sha256 AAAA | bad_request",
    })
    void badRequestsBecomeProblems(String method, String uri, String header, String code) {
        String[] h = header.split(": ");
        HttpRequest req = request(HttpMethod.valueOf(method), uri, h[0], h[1]);
        if (method.equals("POST") && !header.startsWith("Upload-Length")) {
            req.headers().set("Upload-Length", header.contains("x: y") ? "" : "100");
            if (header.contains("x: y")) {
                req.headers().remove("Upload-Length");
            }
        }

        TusRequest r = TusRequestDecoder.decode(req);

        assertThat(r.problem()).as("problem").isNotNull();
        assertThat(r.problem().error().code()).isEqualTo(code);
    }

    @Test
    void tusRequestsWithoutTheVersionHeaderAre412ButDownloadsAndOptionsAreNot() {
        HttpRequest head = request(HttpMethod.HEAD, "/files/" + ID);
        head.headers().remove("Tus-Resumable");
        HttpRequest get = request(HttpMethod.GET, "/files/" + ID);
        get.headers().remove("Tus-Resumable");

        assertThat(TusRequestDecoder.decode(head).problem().error()).isEqualTo(DocumentError.UNSUPPORTED_VERSION);
        assertThat(TusRequestDecoder.decode(get).problem()).isNull();
    }

    @Test
    void bodyContentPassesThroughAndNothingLeaks() {
        EmbeddedChannel ch = new EmbeddedChannel(new TusRequestDecoder());
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PATCH, "/files/" + ID,
                Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII));
        req.headers().set("Tus-Resumable", "1.0.0").set("Upload-Offset", "0");

        ch.writeInbound(req, new DefaultLastHttpContent(Unpooled.copiedBuffer("more", StandardCharsets.US_ASCII)));

        Object request = ch.readInbound();
        assertThat(request).isInstanceOf(TusRequest.class);
        LastHttpContent body = ch.readInbound();
        assertThat(body.content().toString(StandardCharsets.US_ASCII)).isEqualTo("body");
        LastHttpContent more = ch.readInbound();
        assertThat(more.content().toString(StandardCharsets.US_ASCII)).isEqualTo("more");
        body.release();
        more.release();
        assertThat(req.refCnt()).isZero();
        assertFalse(ch.finish());
    }
}
