package io.doorstep.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.config.ConfigException;
import io.doorstep.relay.policy.Cidr;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The relay's configuration: the reference defaults, a file over them, DOORSTEP_* variables over both. */
class RelayConfigTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("relay.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultsLoad() {
        RelayConfig c = RelayConfig.load(null, Map.of());

        RelayConfig.Turn t = c.turn();
        assertThat(t.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(t.port()).isEqualTo(3478);
        assertThat(t.tlsPort()).isEqualTo(5349);
        assertThat(t.tls().enabled()).as("no certificate, no TLS").isFalse();
        assertThat(t.udpSockets()).isZero();
        assertThat(t.relayAddress()).isEqualTo("0.0.0.0");
        assertThat(t.externalAddress()).isEmpty();
        assertThat(t.relayAddressV6()).as("IPv6 relayed addresses are off by default").isEmpty();
        assertThat(t.externalAddressV6()).isEmpty();
        assertThat(t.relayPortMin()).isEqualTo(49152);
        assertThat(t.relayPortMax()).isEqualTo(65535);
        assertThat(t.realm()).isEqualTo("doorstep");
        assertThat(t.software()).isEqualTo("Doorstep relay");
        assertThat(t.nonceLifetime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(t.defaultLifetime()).as("RFC 8656 default").isEqualTo(Duration.ofMinutes(10));
        assertThat(t.maxLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(t.ioThreads()).isZero();
        assertThat(c.auth().restSecret()).isEmpty();
        assertThat(c.auth().staticUsers()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.quotas().allocationsPerUser()).isEqualTo(10);
        assertThat(c.quotas().allocationsTotal()).isEqualTo(5000);
        assertThat(c.quotas().bytesPerSecond()).isZero();
        assertThat(c.policy().allow()).isEmpty();
        assertThat(c.policy().deny()).isEmpty();
        assertThat(c.metrics().address()).isEqualTo("127.0.0.1");
        assertThat(c.metrics().port()).isEqualTo(9641);
        assertThat(c.metrics().token()).isEmpty();
        assertThat(c.fleet().reports()).as("no load reports unless a signalling server is named").isFalse();
        assertThat(c.fleet().reportInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.fleet().turnUrls()).isEmpty();
    }

    @Test
    void environmentVariablesOverrideDefaultsIncludingListsAndDurations() {
        RelayConfig c = RelayConfig.load(null, Map.of(
                "DOORSTEP_TURN_PORT", "0",
                "DOORSTEP_TURN_EXTERNAL_ADDRESS", "203.0.113.7",
                "DOORSTEP_TURN_RELAY_PORT_MIN", "50000",
                "DOORSTEP_TURN_NONCE_LIFETIME", "1s",
                "DOORSTEP_TURN_MAX_LIFETIME", "2h",
                "DOORSTEP_POLICY_ALLOW", "127.0.0.0/8, 10.0.0.0/8",
                "DOORSTEP_QUOTAS_ALLOCATIONS_PER_USER", "3",
                "DOORSTEP_AUTH_REST_SECRET", "s3cret",
                "DOORSTEP_DATA_DIR", "/var/lib/doorstep",
                "PATH", "/usr/bin")); // not ours: ignored

        assertThat(c.turn().port()).isZero();
        assertThat(c.turn().externalAddress()).isEqualTo("203.0.113.7");
        assertThat(c.turn().relayPortMin()).isEqualTo(50000);
        assertThat(c.turn().relayPortMax()).as("untouched").isEqualTo(65535);
        assertThat(c.turn().nonceLifetime()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.turn().maxLifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(c.policy().allow()).containsExactly("127.0.0.0/8", "10.0.0.0/8");
        assertThat(c.policy().allowed()).containsExactly(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.0.0.0/8"));
        assertThat(c.quotas().allocationsPerUser()).isEqualTo(3);
        assertThat(c.auth().restSecret()).isEqualTo("s3cret");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/doorstep"));
    }

    @Test
    void aFileOverridesOnlyItsKeysAndTheEnvironmentOverridesTheFile() throws IOException {
        Path f = file("""
                turn:
                  port: 3479
                  tls-port: 443
                  realm: station.example
                quotas:
                  bytes-per-second: 300000
                metrics:
                  token: from-the-file
                """);

        RelayConfig c = RelayConfig.load(f, Map.of("DOORSTEP_TURN_PORT", "3480", "DOORSTEP_METRICS_TOKEN", "t0k3n"));

        assertThat(c.turn().port()).as("the environment wins").isEqualTo(3480);
        assertThat(c.turn().tlsPort()).isEqualTo(443);
        assertThat(c.turn().realm()).isEqualTo("station.example");
        assertThat(c.turn().software()).as("untouched").isEqualTo("Doorstep relay");
        assertThat(c.quotas().bytesPerSecond()).isEqualTo(300_000);
        assertThat(c.quotas().allocationsTotal()).as("untouched").isEqualTo(5000);
        assertThat(c.metrics().token()).isEqualTo("t0k3n");
    }

    @Test
    void staticUsersComeFromAFile() throws URISyntaxException {
        Path f = Path.of(RelayConfigTest.class.getResource("/config/static-users.yaml").toURI());

        RelayConfig c = RelayConfig.load(f, Map.of());

        assertThat(c.auth().staticUsers()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "alice", "alice-pw",
                "bob", "b0b:with colon"));
        assertThat(c.turn().port()).isEqualTo(3479);
        assertThat(c.turn().realm()).isEqualTo("test.doorstep");
        assertThat(c.turn().nonceLifetime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.policy().allow()).containsExactly("127.0.0.0/8");
    }

    @Test
    void secretsNeverShowInToString() throws IOException {
        RelayConfig c = RelayConfig.load(file("""
                auth:
                  rest-secret: rest-secret-value
                  static-users: {alice: alice-password-value}
                metrics:
                  token: metrics-token-value
                """), Map.of());

        assertThat(c.toString()).contains("alice")
                .doesNotContain("rest-secret-value", "alice-password-value", "metrics-token-value");
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "DOORSTEP_POLICY_ALLOW          | 10.0.0.0/33              | policy.allow",
        "DOORSTEP_POLICY_ALLOW          | 127.0.0.0/8,not-a-cidr   | policy.allow",
        "DOORSTEP_POLICY_DENY           | 300.1.2.3/8              | policy.deny",
        "DOORSTEP_TURN_RELAY_PORT_MIN   | 80                       | turn.relay-port-min/max",
        "DOORSTEP_TURN_RELAY_PORT_MAX   | 1023                     | turn.relay-port-min/max",
        "DOORSTEP_TURN_TLS_CERT         | /etc/doorstep/relay.crt  | turn.tls",
        "DOORSTEP_TURN_TLS_KEY          | /etc/doorstep/relay.key  | turn.tls",
        "DOORSTEP_TURN_PORT             | 65536                    | turn.port",
        "DOORSTEP_TURN_PORT             | three                    | turn.port",
        "DOORSTEP_TURN_TLS_PORT         | -1                       | turn.tls-port",
        "DOORSTEP_TURN_UDP_SOCKETS      | 65                       | turn.udp-sockets",
        "DOORSTEP_TURN_REALM            | ' '                      | turn.realm",
        "DOORSTEP_TURN_RELAY_ADDRESS_V6 | '::'                     | turn.external-address-v6",
        "DOORSTEP_TURN_EXTERNAL_ADDRESS_V6 | 2001:db8::1           | turn.external-address-v6",
        "DOORSTEP_TURN_NONCE_LIFETIME   | 0s                       | turn.nonce-lifetime",
        "DOORSTEP_TURN_NONCE_LIFETIME   | ten minutes              | turn.nonce-lifetime",
        "DOORSTEP_TURN_MAX_LIFETIME     | 5m                       | turn.max-lifetime",
        "DOORSTEP_QUOTAS_ALLOCATIONS_PER_USER | 0                  | quotas.allocations-per-user",
        "DOORSTEP_QUOTAS_ALLOCATIONS_TOTAL    | 0                  | quotas.allocations-total",
        "DOORSTEP_QUOTAS_BYTES_PER_SECOND     | -1                 | quotas.bytes-per-second",
        "DOORSTEP_METRICS_PORT          | 70000                    | metrics.port",
        "DOORSTEP_FLEET_REPORT_URL      | 127.0.0.1:8080/internal  | fleet.report-url",
        "DOORSTEP_FLEET_REPORT_INTERVAL | 500ms                    | fleet.report-interval",
        "DOORSTEP_FLEET_RELAY_ID        | relay one                | fleet.relay-id",
        "DOORSTEP_FLEET_TURN_URLS       | stun:203.0.113.7:3478    | fleet.turn-urls",
        "DOORSTEP_TURN_PROT             | 3478                     | DOORSTEP_TURN_PROT",
    })
    void anInvalidValueNamesItsKey(String variable, String value, String key) {
        assertThatThrownBy(() -> RelayConfig.load(null, Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key);
    }

    @Test
    void anInvertedPortRangeNamesTheRange() throws IOException {
        Path f = file("""
                turn:
                  relay-port-min: 60000
                  relay-port-max: 50000
                """);
        assertThatThrownBy(() -> RelayConfig.load(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("turn.relay-port-min/max: must be a range within 1024..65535");
        assertThatThrownBy(() -> RelayConfig.load(null, Map.of("DOORSTEP_TURN_RELAY_PORT_MIN", "50001",
                "DOORSTEP_TURN_RELAY_PORT_MAX", "50000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("turn.relay-port-min/max");
    }

    @Test
    void aTlsCertificateWithoutKeyInAFileNamesTurnTls() throws IOException {
        Path f = file("""
                turn:
                  tls:
                    cert: /etc/doorstep/relay.crt
                """);
        assertThatThrownBy(() -> RelayConfig.load(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("turn.tls: cert and key must be set together");
    }

    @Test
    void anUnknownKeyInAFileIsNamed() throws IOException {
        Path f = file("""
                turn:
                  prot: 3478
                """);
        assertThatThrownBy(() -> RelayConfig.load(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("turn.prot");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> RelayConfig.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString());
    }
}
