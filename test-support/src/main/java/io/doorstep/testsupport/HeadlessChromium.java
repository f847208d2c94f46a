package io.doorstep.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The distribution's Chromium ({@code /usr/bin/chromium}), headless, driven through its own chromedriver
 * ({@code /usr/bin/chromedriver}, Debian package {@code chromium-driver}) over W3C WebDriver with Selenium. Both paths
 * are given explicitly, so Selenium Manager never looks for or downloads a browser or driver. Fake camera and
 * microphone, no permission prompts, and no network beyond what a page asks for: every host name resolves to
 * nothing except localhost, and Chromium's background services are off. The flags are the ones
 * {@code shared/WEBRTC-NOTES.md} found to work on these machines.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int START_ATTEMPTS = 3;
    /**
     * Selenium warns on every start that it has no DevTools (CDP) binding for this Chromium version; these tests use
     * only WebDriver, so that is expected. Held here so the level set stays (JUL keeps loggers weakly).
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    }

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Whether the browser is on this machine; the project's test command installs it (scripts/test-env.sh). */
    public static boolean installed() {
        return Files.isExecutable(CHROMIUM);
    }

    /** Skips the calling test class, saying why and how to fix it, when the browser is not on this machine. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(installed(), "skipped: no Chromium at " + CHROMIUM
                + " (apt-get install chromium chromium-driver; scripts/test-env.sh installs both)");
    }

    /**
     * Starts a browser with a fresh profile under {@code dir}; its and chromedriver's logs go there too. The browser
     * accepts the (self-signed) PEM certificates {@code trusted} as if a CA had signed them, by the hash of their
     * public keys ({@code --ignore-certificate-errors-spki-list}, which Chromium honours only with its own
     * {@code --user-data-dir}, as here); every other certificate is checked as usual.
     */
    public static HeadlessChromium start(Path dir, Path... trusted) {
        if (!Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException(CHROMEDRIVER + " is missing: install the chromium-driver package"
                    + " (scripts/test-env.sh does)");
        }
        try {
            Files.createDirectories(dir);
            for (int attempt = 1; ; attempt++) {
                // chromedriver listens on a port Selenium probes as free; another process may take it first
                ChromeDriverService service = new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .withLogFile(dir.resolve("chromedriver-" + attempt + ".log").toFile())
                        .build();
                try {
                    ChromeDriver driver = new ChromeDriver(service,
                            options(dir.resolve("profile-" + attempt), trusted));
                    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
                    return new HeadlessChromium(driver);
                } catch (WebDriverException e) { // the session could not be created, or the driver did not start
                    service.stop();
                    if (attempt == START_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChromeOptions options(Path profile, Path... trusted) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(List.of(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
                "--disable-domain-reliability", "--no-pings", "--metrics-recording-only",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
                // host candidates stay plain addresses: no mDNS names, so no multicast on the machine's network
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--user-data-dir=" + profile,
                "--window-size=1280,720"));
        if (trusted.length > 0) {
            options.addArguments("--ignore-certificate-errors-spki-list="
                    + Arrays.stream(trusted).map(HeadlessChromium::spkiHash).collect(Collectors.joining(",")));
        }
        return options;
    }

    /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, the form Chromium's SPKI lists take. */
    static String spkiHash(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] spki = cert.getPublicKey().getEncoded();
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + ": not a certificate", e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Makes the page's viewport exactly {@code width} x {@code height} CSS pixels at scale 1, as on a screen of that
     * size (the window size would include the browser's frame), over the DevTools protocol through chromedriver.
     */
    public void viewport(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
