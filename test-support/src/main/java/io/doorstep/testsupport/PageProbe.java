package io.doorstep.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Reads a live page the way its tests need: each look is one script, since the pages redraw every second and an
 * element found by one WebDriver call may be gone by the next. Waits are bounded and poll every 100 ms.
 */
public final class PageProbe {
    private static final Duration POLL = Duration.ofMillis(100);

    private final ChromeDriver driver;
    private final Duration wait;

    /** Probes pages of {@code driver}; {@link #waitFor} gives up after {@code wait}. */
    public PageProbe(ChromeDriver driver, Duration wait) {
        this.driver = driver;
        this.wait = wait;
    }

    /** Opens {@code page} with the origin's storage emptied (no token or language left from another test). */
    public void openFresh(URI page) {
        driver.get(page.toString());
        driver.executeScript("sessionStorage.clear(); localStorage.clear();");
        driver.get(page.toString());
    }

    /** The rendered text of the first element matching {@code css}, trimmed; null if there is none. */
    public String text(String css) {
        return (String) driver.executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e.innerText.trim() : null;", css);
    }

    public String attribute(String css, String name) {
        return (String) driver.executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e.getAttribute(arguments[1]) : null;", css, name);
    }

    /** Whether an element matching {@code css} is rendered (present and not hidden). */
    public boolean shown(String css) {
        return (Boolean) driver.executeScript("const e = document.querySelector(arguments[0]);"
                + " return !!e && e.getClientRects().length > 0;", css);
    }

    public void waitFor(String css) {
        until("shown: " + css, () -> shown(css));
    }

    public void waitGone(String css) {
        until("gone: " + css, () -> (Boolean) driver.executeScript(
                "return document.querySelector(arguments[0]) === null;", css));
    }

    /** Waits until {@code condition} holds, at most the probe's wait; fails naming {@code what}. */
    public void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + wait.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /**
     * Saves the page as it is into the repository's {@code docs/screenshots/<name>} (the root is found from the
     * module's working directory), for the documentation.
     */
    public void screenshot(String name) {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("docs/protocol.md"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("not inside the repository: " + Path.of("").toAbsolutePath());
        }
        Path file = root.resolve("docs/screenshots").resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
