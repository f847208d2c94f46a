package io.doorstep.signalling.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-in over real WebSockets, take-over, the HTTP API's authorisation, and the WebSocket Origin check. */
class AuthTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static ECKey idpEc;
    static RSAKey idpRsa;
    static TestServer server;

    /** One server for the class, trusting an identity provider's public keys (EC and RSA) besides HS256. */
    @BeforeAll
    static void start() throws Exception {
        idpEc = new ECKeyGenerator(Curve.P_256).keyID("idp-ec-1").generate();
        idpRsa = new RSAKeyGenerator(2048).keyID("idp-rsa-1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(java.util.List.of(idpEc.toPublicJWK(), idpRsa.toPublicJWK())).toString());
        assertThat(Files.readString(jwks)).as("public keys only").doesNotContain("\"d\"");
        server = TestServer.start(Map.of("DOORSTEP_AUTH_JWKS_FILE", jwks.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---------------------------------------------------------------- tokens

    private static JWTClaimsSet.Builder claims(String subject, String role) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer("doorstep").audience("doorstep").subject(subject)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))));
        if (role != null) {
            b.claim("role", role);
        }
        return b;
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims)
            throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet claims) throws Exception {
        return sign(new MACSigner(TestServer.SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null,
                claims);
    }

    private static String hs256(String subject, String role, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        JWTClaimsSet.Builder b = claims(subject, role);
        change.accept(b);
        return hs256(b.build());
    }

    private static String base64url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Connects, says hello with {@code token}, and expects {@code code} and the connection closed. */
    private static ServerMessage.Error refused(String token, ErrorCode code) {
        try (WsClient c = server.connect()) {
            c.send(new ClientMessage.Hello("hi", token, null));
            ServerMessage.Error e = c.expect(ServerMessage.Error.class);
            assertThat(e.code()).as(e.message()).isEqualTo(code);
            assertThat(e.re()).isEqualTo("hi");
            assertThat(c.awaitClose()).isEqualTo(1008);
            return e;
        }
    }

    private static ServerMessage.Welcome accepted(String token, String id, Role role) {
        try (WsClient c = server.connect()) {
            ServerMessage.Welcome w = c.hello(token);
            assertThat(w.identity().id()).isEqualTo(id);
            assertThat(w.identity().role()).isEqualTo(role);
            assertThat(w.resumed()).isFalse();
            return w;
        }
    }

    @Test
    void aValidTokenSignsIn() throws Exception {
        ServerMessage.Welcome w = accepted(hs256(claims("st-test-01", "station").build()), "st-test-01",
                Role.STATION);
        assertThat(w.identity().name()).isEqualTo("测试一村家门口服务站");
        assertThat(w.sessionId()).isNotBlank();
        assertThat(w.lastSeq()).isZero();
        accepted(server.token("ag-multi", Role.AGENT), "ag-multi", Role.AGENT);
        accepted(server.token("op-test-01", Role.OPERATOR), "op-test-01", Role.OPERATOR);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        Instant past = Instant.now().minus(Duration.ofMinutes(5));
        refused(hs256("st-test-01", "station", b -> b.issueTime(Date.from(past.minusSeconds(60)))
                .expirationTime(Date.from(past))), ErrorCode.TOKEN_EXPIRED);
        // Within the allowed clock skew (30 s) it is still good.
        accepted(hs256("st-test-01", "station", b -> b.expirationTime(Date.from(Instant.now().minusSeconds(5)))),
                "st-test-01", Role.STATION);
    }

    @Test
    void aTokenNotValidYetIsRefused() throws Exception {
        // docs/protocol.md 1.3: nbf not reached -> TOKEN_INVALID.
        refused(hs256("st-test-01", "station",
                b -> b.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))), ErrorCode.TOKEN_INVALID);
        accepted(hs256("st-test-01", "station", b -> b.notBeforeTime(Date.from(Instant.now().plusSeconds(5)))),
                "st-test-01", Role.STATION);
    }

    @Test
    void aForgedSignatureIsInvalid() throws Exception {
        String forged = sign(new MACSigner("another-secret-of-at-least-32-bytes-0123456789".getBytes(
                StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null, claims("st-test-01", "station").build());
        refused(forged, ErrorCode.TOKEN_INVALID);
        // A valid token with its payload swapped for another identity's.
        String[] good = server.token("st-test-01", Role.STATION).split("\\.");
        String[] other = server.token("op-test-01", Role.OPERATOR).split("\\.");
        refused(good[0] + "." + other[1] + "." + good[2], ErrorCode.TOKEN_INVALID);
        // The signature stripped.
        refused(good[0] + "." + good[1] + ".", ErrorCode.TOKEN_INVALID);
    }

    @Test
    void anUnsignedAlgNoneTokenIsInvalid() throws Exception {
        String claims = base64url(claims("op-test-01", "operator").build().toString());
        refused(base64url("{\"alg\":\"none\"}") + "." + claims + ".", ErrorCode.TOKEN_INVALID);
        refused(base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + claims + ".", ErrorCode.TOKEN_INVALID);
        // alg none but with a (meaningless) signature part.
        refused(base64url("{\"alg\":\"none\"}") + "." + claims + "." + base64url("sig"), ErrorCode.TOKEN_INVALID);
    }

    @Test
    void anAlgorithmNotOnTheListIsInvalid() throws Exception {
        // HS512 with the right secret: the secret is good, the algorithm is not allowed.
        String hs512 = sign(new MACSigner((TestServer.SECRET + TestServer.SECRET).getBytes(StandardCharsets.UTF_8)),
                JWSAlgorithm.HS512, null, claims("st-test-01", "station").build());
        refused(hs512, ErrorCode.TOKEN_INVALID);
    }

    @Test
    void garbageIsInvalid() {
        refused("garbage", ErrorCode.TOKEN_INVALID);
        refused("a.b.c", ErrorCode.TOKEN_INVALID);
        refused(base64url("{\"alg\":\"HS256\"}") + "." + base64url("not json") + ".c2ln", ErrorCode.TOKEN_INVALID);
    }

    @Test
    void wrongAudienceOrIssuerIsInvalid() throws Exception {
        refused(hs256("st-test-01", "station", b -> b.audience("someone-else")), ErrorCode.TOKEN_INVALID);
        refused(hs256("st-test-01", "station", b -> b.issuer("evil-idp")), ErrorCode.TOKEN_INVALID);
        refused(hs256("st-test-01", "station", b -> b.audience((String) null)), ErrorCode.TOKEN_INVALID);
        refused(hs256("st-test-01", "station", b -> b.issuer(null)), ErrorCode.TOKEN_INVALID);
    }

    @Test
    void missingSubjectOrExpiryIsInvalid() throws Exception {
        refused(hs256("st-test-01", "station", b -> b.subject(null)), ErrorCode.TOKEN_INVALID);
        refused(hs256("st-test-01", "station", b -> b.expirationTime(null)), ErrorCode.TOKEN_INVALID);
    }

    @Test
    void aMissingOrUnknownRoleIsRoleMismatch() throws Exception {
        refused(hs256(claims("st-test-01", null).build()), ErrorCode.ROLE_MISMATCH);
        refused(hs256(claims("st-test-01", "admin").build()), ErrorCode.ROLE_MISMATCH);
        refused(hs256(claims("st-test-01", "STATION").build()), ErrorCode.ROLE_MISMATCH);
        refused(hs256("st-test-01", null, b -> b.claim("role", 1)), ErrorCode.ROLE_MISMATCH);
    }

    @Test
    void aRoleOtherThanTheDirectorysIsRoleMismatch() throws Exception {
        ServerMessage.Error e = refused(hs256(claims("st-test-01", "agent").build()), ErrorCode.ROLE_MISMATCH);
        assertThat(e.message()).contains("station");
        refused(server.token("ag-mi-01", Role.OPERATOR), ErrorCode.ROLE_MISMATCH);
        refused(server.token("op-test-01", Role.STATION), ErrorCode.ROLE_MISMATCH);
    }

    @Test
    void anUnknownSubjectIsUnknownIdentity() throws Exception {
        refused(hs256(claims("st-nowhere-99", "station").build()), ErrorCode.UNKNOWN_IDENTITY);
    }

    @Test
    void publicKeyTokensOfTheIdentityProviderAreAccepted() throws Exception {
        JWTClaimsSet station = claims("st-test-02", "station").build();
        accepted(sign(new ECDSASigner(idpEc), JWSAlgorithm.ES256, idpEc.getKeyID(), station), "st-test-02",
                Role.STATION);
        accepted(sign(new RSASSASigner(idpRsa), JWSAlgorithm.RS256, idpRsa.getKeyID(),
                claims("ag-pe-01", "agent").build()), "ag-pe-01", Role.AGENT);
        // Without a key id the key is found by its type.
        accepted(sign(new ECDSASigner(idpEc), JWSAlgorithm.ES256, null, station), "st-test-02", Role.STATION);
        // The same claims checks apply to them.
        refused(sign(new ECDSASigner(idpEc), JWSAlgorithm.ES256, idpEc.getKeyID(),
                claims("st-test-02", "agent").build()), ErrorCode.ROLE_MISMATCH);
    }

    @Test
    void publicKeyTokensSignedWithAnotherKeyAreRefused() throws Exception {
        JWTClaimsSet claims = claims("st-test-02", "station").build();
        ECKey otherEc = new ECKeyGenerator(Curve.P_256).keyID(idpEc.getKeyID()).generate();
        refused(sign(new ECDSASigner(otherEc), JWSAlgorithm.ES256, otherEc.getKeyID(), claims),
                ErrorCode.TOKEN_INVALID);
        refused(sign(new ECDSASigner(otherEc), JWSAlgorithm.ES256, null, claims), ErrorCode.TOKEN_INVALID);
        RSAKey otherRsa = new RSAKeyGenerator(2048).keyID(idpRsa.getKeyID()).generate();
        refused(sign(new RSASSASigner(otherRsa), JWSAlgorithm.RS256, otherRsa.getKeyID(), claims),
                ErrorCode.TOKEN_INVALID);
        // A trusted key used with an algorithm of the wrong family.
        refused(sign(new ECDSASigner(idpEc), JWSAlgorithm.ES256, idpRsa.getKeyID(), claims), ErrorCode.TOKEN_INVALID);
    }

    // ---------------------------------------------------------------- take-over

    @Test
    void aSecondSignInOfTheSameIdentityTakesOver() {
        try (WsClient older = server.signIn("st-test-03", Role.STATION);
             WsClient newer = server.connect()) {
            String olderSession = older.welcome().sessionId();
            ServerMessage.Welcome fresh = newer.hello(server.token("st-test-03", Role.STATION));
            assertThat(fresh.resumed()).isFalse();
            assertThat(fresh.sessionId()).isNotEqualTo(olderSession);
            assertThat(fresh.identity().id()).isEqualTo("st-test-03");
            assertThat(older.expect(ServerMessage.SessionReplaced.class).reason()).isNotBlank();
            assertThat(older.awaitClose()).isEqualTo(1008);
            // The newer connection works and owns the identity: a call request from it is the station's.
            newer.send(new ClientMessage.CallRequest("r", "HF-001", false));
            ServerMessage.CallQueued q = newer.expect(ServerMessage.CallQueued.class);
            newer.send(new ClientMessage.CallCancel("c", q.callId()));
            assertThat(newer.expect(ServerMessage.CallEnded.class).re()).isEqualTo("c");
        }
    }

    @Test
    void anAgentTakingOverKeepsItsState() {
        try (WsClient older = server.availableAgent("ag-mi-02");
             WsClient newer = server.connect()) {
            newer.hello(server.token("ag-mi-02", Role.AGENT));
            assertThat(newer.expect(ServerMessage.AgentStateChanged.class).state()).isEqualTo(AgentState.AVAILABLE);
            older.await(ServerMessage.SessionReplaced.class);
            assertThat(older.awaitClose()).isEqualTo(1008);
            newer.send(new ClientMessage.SetAgentState("away", AgentState.AWAY));
            assertThat(newer.expect(ServerMessage.AgentStateChanged.class).state()).isEqualTo(AgentState.AWAY);
        }
    }

    // ---------------------------------------------------------------- HTTP

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.httpUri(path)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndReadinessAreOpen() throws Exception {
        HttpResponse<String> health = get("/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("up");
        HttpResponse<String> ready = get("/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("ready").asBoolean()).isTrue();
        assertThat(get("/nothing-here", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(server.httpUri("/health"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        // The WebSocket path without an upgrade is a bad request, answered (not left hanging).
        assertThat(get("/ws", null).statusCode()).isEqualTo(400);
    }

    @Test
    void metricsAndSnapshotNeedAnOperator() throws Exception {
        String station = server.token("st-test-01", Role.STATION);
        String agent = server.token("ag-mi-01", Role.AGENT);
        String operator = server.token("op-test-01", Role.OPERATOR);
        for (String path : new String[] {"/metrics", "/api/snapshot"}) {
            assertThat(get(path, null).statusCode()).as(path + " without a token").isEqualTo(401);
            assertThat(get(path, "garbage").statusCode()).as(path + " with garbage").isEqualTo(401);
            assertThat(get(path, station).statusCode()).as(path + " as a station").isEqualTo(403);
            assertThat(get(path, agent).statusCode()).as(path + " as an agent").isEqualTo(403);
            assertThat(get(path, operator).statusCode()).as(path + " as an operator").isEqualTo(200);
        }
        HttpResponse<String> basic = HTTP.send(HttpRequest.newBuilder(server.httpUri("/metrics"))
                .header("Authorization", "Basic " + base64url("op:pw")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(basic.statusCode()).isEqualTo(401);
        HttpResponse<String> metrics = get("/metrics", operator);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body()).contains("doorstep_sessions");
        JsonNode snapshot = JSON.readTree(get("/api/snapshot", operator).body());
        assertThat(snapshot.has("queues")).isTrue();
        assertThat(snapshot.get("queues").has("medical-insurance")).isTrue();
        assertThat(snapshot.get("agents").isArray()).isTrue();
        assertThat(snapshot.get("calls").isArray()).isTrue();
        String expired = hs256("op-test-01", "operator", b -> b.expirationTime(
                Date.from(Instant.now().minus(Duration.ofHours(1)))));
        assertThat(get("/api/snapshot", expired).statusCode()).isEqualTo(401);
    }

    @Test
    void metricsMayBeOpenedByConfigurationButTheOperatorApiMayNot() throws Exception {
        try (TestServer open = TestServer.start(Map.of("DOORSTEP_METRICS_REQUIRE_AUTH", "false"))) {
            HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(open.httpUri("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("doorstep_queue_length");
            HttpResponse<String> snapshot = HTTP.send(HttpRequest.newBuilder(open.httpUri("/api/snapshot")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(snapshot.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void theCatalogueIsForAnyValidToken() throws Exception {
        assertThat(get("/api/catalogue", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/catalogue", "a.b.c").statusCode()).isEqualTo(401);
        for (String token : new String[] {server.token("st-test-01", Role.STATION),
                server.token("ag-mi-01", Role.AGENT), server.token("op-test-01", Role.OPERATOR)}) {
            HttpResponse<String> res = get("/api/catalogue", token);
            assertThat(res.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.get("items")).hasSize(212);
            assertThat(body.get("skillGroups").size()).isPositive();
        }
    }

    // ---------------------------------------------------------------- Origin

    private static URI wsUri(TestServer s) {
        return s.wsUri();
    }

    private static void assertOriginRefused(TestServer s, String origin) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> WsClient.connect(wsUri(s), Map.of("Origin", origin)).close());
        assertThat(thrown).as("origin %s refused", origin).isNotNull();
        WebSocketHandshakeException handshake = null;
        for (Throwable t = thrown; t != null && handshake == null; t = t.getCause()) {
            if (t instanceof WebSocketHandshakeException h) {
                handshake = h;
            }
        }
        assertThat(handshake).as("a failed handshake for %s, not %s", origin, thrown).isNotNull();
        assertThat(handshake.getResponse().statusCode()).isEqualTo(403);
    }

    private static void assertOriginAccepted(TestServer s, String origin) {
        try (WsClient c = WsClient.connect(wsUri(s), origin == null ? Map.of() : Map.of("Origin", origin))) {
            assertThat(c.hello(s.token("st-test-04", Role.STATION)).identity().id()).isEqualTo("st-test-04");
        }
    }

    @Test
    void withoutConfiguredOriginsOnlyThisServersOwnOriginMayOpenTheWebSocket() {
        String self = "http://127.0.0.1:" + server.wsUri().getPort();
        assertOriginAccepted(server, self);
        assertOriginAccepted(server, null); // not a browser: judged by its token alone
        assertOriginRefused(server, "http://evil.example");
        assertOriginRefused(server, "http://127.0.0.1:1");
        assertOriginRefused(server, "http://127.0.0.1:" + server.wsUri().getPort() + ".evil.example");
        assertOriginRefused(server, "null");
    }

    @Test
    void configuredOriginsAreTheOnlyOnesAllowed() throws Exception {
        try (TestServer s = TestServer.start(Map.of("DOORSTEP_SERVER_ALLOWED_ORIGINS",
                "https://doorstep.example,https://backup.doorstep.example"))) {
            assertOriginAccepted(s, "https://doorstep.example");
            assertOriginAccepted(s, "https://backup.doorstep.example");
            assertOriginRefused(s, "https://evil.example");
            assertOriginRefused(s, "http://doorstep.example");
            assertOriginRefused(s, "http://127.0.0.1:" + s.wsUri().getPort());
            assertOriginAccepted(s, null);
        }
    }
}
