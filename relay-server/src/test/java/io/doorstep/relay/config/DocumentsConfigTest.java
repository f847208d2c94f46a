package io.doorstep.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The document relay's configuration: defaults, DOORSTEP_DOCUMENTS_* overrides, errors naming the key. */
class DocumentsConfigTest {
    @Test
    void defaults() {
        RelayConfig.Documents d = RelayConfig.load(null, Map.of()).documents();

        assertThat(d.enabled()).isTrue();
        assertThat(d.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(d.port()).isEqualTo(8642);
        assertThat(d.directory(Path.of("./data"))).isEqualTo(Path.of("./data/documents"));
        assertThat(d.tokenSecret()).isEmpty();
        assertThat(d.maxDocumentBytes()).isEqualTo(25L << 20);
        assertThat(d.maxCallBytes()).isEqualTo(200L << 20);
        assertThat(d.uploadExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(d.retention()).isEqualTo(Duration.ofHours(24));
        assertThat(d.sweepInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.operatorAudit()).isFalse();
        assertThat(d.ioThreads()).isEqualTo(2);
        assertThat(d.sendsEvents()).as("no signalling server to tell unless configured").isFalse();
        assertThat(d.allowedOrigins()).as("no browser is let in unless configured").isEmpty();
    }

    @Test
    void environmentOverrides() {
        RelayConfig.Documents d = RelayConfig.load(null, Map.of("DOORSTEP_DOCUMENTS_PORT", "9000",
                "DOORSTEP_DOCUMENTS_DIRECTORY", "/srv/doorstep/documents",
                "DOORSTEP_DOCUMENTS_TOKEN_SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret",
                "DOORSTEP_DOCUMENTS_RETENTION", "7d", "DOORSTEP_DOCUMENTS_MAX_DOCUMENT_BYTES", "1000",
                "DOORSTEP_DOCUMENTS_OPERATOR_AUDIT", "true",
                "DOORSTEP_DOCUMENTS_EVENTS_URL", "http://127.0.0.1:8080/internal/documents/events",
                "DOORSTEP_DOCUMENTS_ALLOWED_ORIGINS", "https://desk.example.gov.cn,http://localhost:8080")).documents();

        assertThat(d.port()).isEqualTo(9000);
        assertThat(d.directory(Path.of("./data"))).isEqualTo(Path.of("/srv/doorstep/documents"));
        assertThat(d.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(d.maxDocumentBytes()).isEqualTo(1000);
        assertThat(d.operatorAudit()).isTrue();
        assertThat(d.sendsEvents()).isTrue();
        assertThat(d.allowedOrigins()).containsExactly("https://desk.example.gov.cn", "http://localhost:8080");
        assertThat(d.toString()).doesNotContain("s3cret").contains("tokenSecret=<hidden>");
    }

    @ParameterizedTest
    @CsvSource({
        "DOORSTEP_DOCUMENTS_PORT, 70000, documents.port",
        "DOORSTEP_DOCUMENTS_MAX_DOCUMENT_BYTES, 0, documents.max-document-bytes",
        "DOORSTEP_DOCUMENTS_MAX_CALL_BYTES, 10, documents.max-call-bytes",
        "DOORSTEP_DOCUMENTS_UPLOAD_EXPIRY, 0s, documents.upload-expiry",
        "DOORSTEP_DOCUMENTS_RETENTION, soon, documents.retention",
        "DOORSTEP_DOCUMENTS_IO_THREADS, 0, documents.io-threads",
        "DOORSTEP_DOCUMENTS_EVENTS_URL, signalling:8080/internal, documents.events-url",
        "DOORSTEP_DOCUMENTS_ALLOWED_ORIGINS, https://desk.example.gov.cn/console, documents.allowed-origins",
    })
    void anInvalidValueNamesItsKey(String variable, String value, String key) {
        assertThatThrownBy(() -> RelayConfig.load(null, Map.of(variable, value)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }
}
