package io.doorstep.signalling.server;

import io.doorstep.config.ConfigException;
import io.doorstep.signalling.config.SignallingConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** TLS for the signalling port: the server context from PEM files, and self-signed certificates for development. */
public final class Tls {
    private Tls() {
    }

    /** The server context when TLS is configured, else null (plain HTTP/WS behind a TLS-terminating proxy). */
    public static SslContext serverContext(SignallingConfig.Tls tls) {
        if (!tls.enabled()) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(Path.of(tls.cert()).toFile(), Path.of(tls.key()).toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("server.tls: cannot use " + tls.cert() + " / " + tls.key() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes a self-signed P-256 certificate for {@code hosts} to {@code cert.pem} and {@code key.pem} in a folder. */
    public static void generateSelfSigned(Path dir, List<String> hosts, Duration validity) throws IOException {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = gen.generateKeyPair();
            X500Name name = new X500Name("CN=" + hosts.get(0) + ", O=Doorstep development");
            Instant now = Instant.now();
            List<GeneralName> sans = new ArrayList<>();
            for (String h : hosts) {
                sans.add(new GeneralName(h.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, h));
            }
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(validity)), name, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            Files.createDirectories(dir);
            writePem(dir.resolve("cert.pem"), cert);
            writePem(dir.resolve("key.pem"), new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
                    keys.getPrivate(), null).generate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate a certificate: " + e.getMessage(), e);
        }
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
    }
}
