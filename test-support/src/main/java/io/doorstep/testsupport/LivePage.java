package io.doorstep.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Reads and waits on a page that redraws itself (the dashboard every second, the station page as messages arrive):
 * each read is one script, since an element found by one WebDriver call may be gone by the next. Waits poll every
 * 100 ms up to a fixed limit and then fail with what was awaited.
 */
public final class LivePage {
    private static final Duration POLL = Duration.ofMillis(100);

    private final ChromeDriver driver;
    private final Duration limit;

    public LivePage(ChromeDriver driver, Duration limit) {
        this.driver = driver;
        this.limit = limit;
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** The rendered text of the first element matching {@code css}, trimmed; null when there is none. */
    public String text(String css) {
        return (String) driver.executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e.innerText.trim() : null;", css);
    }

    public String attribute(String css, String name) {
        return (String) driver.executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e.getAttribute(arguments[1]) : null;", css, name);
    }

    /** The current value of the form field matching {@code css} (what is typed in it, not its attribute). */
    public String value(String css) {
        return (String) driver.executeScript("return document.querySelector(arguments[0]).value;", css);
    }

    /** Whether an element matching {@code css} is rendered (present and not hidden). */
    public boolean shown(String css) {
        return (Boolean) driver.executeScript("const e = document.querySelector(arguments[0]);"
                + " return !!e && e.getClientRects().length > 0;", css);
    }

    public long count(String css) {
        return (Long) driver.executeScript("return document.querySelectorAll(arguments[0]).length;", css);
    }

    public void click(String css) {
        driver.findElement(By.cssSelector(css)).click();
    }

    public void type(String css, String text) {
        driver.findElement(By.cssSelector(css)).sendKeys(text);
    }

    public void waitFor(String css) {
        waitUntil("shown: " + css, () -> shown(css));
    }

    public void waitGone(String css) {
        waitUntil("gone: " + css, () -> driver.findElements(By.cssSelector(css)).isEmpty());
    }

    public void waitUntil(String what, BooleanSupplier condition) {
        waitUntil(what, limit, condition);
    }

    /** Polls {@code condition} until it holds; an AssertionError naming {@code what} after {@code max}. */
    public void waitUntil(String what, Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max.toMillis() + " ms: " + what + "; the page: " + state());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** What a failed wait reports of the page: its body's data attributes and any alert it shows. */
    private String state() {
        return String.valueOf(driver.executeScript("return JSON.stringify(Object.assign({url: location.pathname},"
                + " document.body.dataset, {alerts: [...document.querySelectorAll('[role=alert]')]"
                + ".filter(e => e.getClientRects().length).map(e => e.innerText)}));"));
    }

    /**
     * The page as it is now, into the repository's {@code docs/screenshots/<name>} (the root is found from the
     * module's directory by its {@code docs/protocol.md}), for a person to look at.
     */
    public Path screenshot(String name) {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("docs/protocol.md"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        Path file = root.resolve("docs/screenshots").resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
