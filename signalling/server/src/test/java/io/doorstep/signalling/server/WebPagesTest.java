package io.doorstep.signalling.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.signalling.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped web pages over real HTTP: only the listed files, with a policy that keeps them to this server. */
class WebPagesTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.httpUri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDashboardIsServedWithoutATokenAndWithItsPolicy() throws Exception {
        HttpResponse<String> page = get("/dashboard/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                .contains("default-src 'self'", "connect-src 'self'", "frame-ancestors 'none'");
        assertThat(page.body()).contains("<script type=\"module\" src=\"dashboard.js\"></script>");
        for (String file : new String[] {"dashboard.js", "i18n.js", "charts.js"}) {
            HttpResponse<String> js = get("/dashboard/" + file);
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            // the SVG namespace is a name, not an address; anything else absolute would be a download
            assertThat(js.body().replace("'http://www.w3.org/2000/svg'", "")).as("no script from elsewhere")
                    .doesNotContain("http://", "https://");
        }
        for (String css : new String[] {"/dashboard/dashboard.css", "/common/house.css"}) {
            assertThat(get(css).headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        }
    }

    @Test
    void theAgentConsoleAndTheSharedClientAreServedAndMayReachTheDocumentRelay() throws Exception {
        HttpResponse<String> page = get("/agent/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"agent.js\"></script>");
        // documents.url of the test server; blob: for the documents read from it (images, PDFs)
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                .contains("connect-src 'self' http://127.0.0.1:8642;", "img-src 'self' data: blob:");
        for (String file : new String[] {"/agent/agent.js", "/agent/words.js", "/common/doorstep-client.js",
                "/common/media.js", "/common/documents.js", "/common/i18n.js", "/common/ticker.js",
                "/common/ticker-worker.js"}) {
            HttpResponse<String> js = get(file);
            assertThat(js.statusCode()).as(file).isEqualTo(200);
            assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            assertThat(js.body()).as("no script from elsewhere").doesNotContain("http://", "https://");
        }
    }

    @Test
    void theFolderWithoutItsSlashRedirects() throws Exception {
        for (String folder : new String[] {"/dashboard", "/agent", "/station"}) {
            HttpResponse<String> r = get(folder);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("location")).hasValue(folder + "/");
        }
    }

    @Test
    void nothingElseOfTheClassPathIsReachable() throws Exception {
        for (String path : new String[] {"/dashboard/missing.js", "/dashboard/../logback.xml", "/web/dashboard/index.html",
                "/defaults/doorstep.yaml", "/dashboard/%2e%2e/logback.xml"}) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
    }
}
