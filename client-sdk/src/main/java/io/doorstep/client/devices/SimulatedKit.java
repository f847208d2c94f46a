package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated five-piece kit for tests, the demo and terminals without hardware: a document camera that makes up
 * real JPEG (or PNG, PDF) scans, an ID-card reader with an invented identity, a barcode scanner that reads from a
 * script, a printer that writes each job to a folder, and a camera that is always ready. Health can be set, to show
 * operators a station with a problem.
 */
public final class SimulatedKit {
    private SimulatedKit() {
    }

    /** The whole kit: JPEG scans of about {@code scanBytes}, print jobs written to {@code printFolder}. */
    public static Kit create(int scanBytes, Path printFolder, List<Devices.Barcode> barcodes) {
        return new Kit(new Camera(scanBytes), new CardReader(), new Scanner(barcodes), new FolderPrinter(printFolder),
                new Simulated(Devices.Kind.CAMERA));
    }

    /** An invented card holder; never a real person. */
    public static final Devices.IdCard INVENTED_CARD = new Devices.IdCard("测试用户", "310115195503080000", "女", "汉",
            "1955-03-08", "上海市浦东新区川沙新镇测试村1号", "上海市公安局浦东分局", "2015-01-01", "长期", null);

    /** A device whose health a test or the demo can change. */
    public static class Simulated implements Device {
        private final Devices.Kind kind;
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        private volatile Devices.State state = Devices.State.READY;
        private volatile String detail;

        Simulated(Devices.Kind kind) {
            this.kind = kind;
        }

        @Override
        public Devices.Kind kind() {
            return kind;
        }

        @Override
        public Devices.Health health() {
            return new Devices.Health(kind, state, "simulated", detail);
        }

        @Override
        public void onHealthChange(Runnable listener) {
            listeners.add(listener);
        }

        /** Sets the health (e.g. OUT_OF_PAPER, "media-empty") and tells the listeners. */
        public void set(Devices.State newState, String newDetail) {
            state = newState;
            detail = newDetail;
            listeners.forEach(Runnable::run);
        }

        void requireReady() throws DeviceException {
            if (state != Devices.State.READY) {
                throw new DeviceException(kind.wireName() + " is " + state.wireName()
                        + (detail == null ? "" : " (" + detail + ")"));
            }
        }
    }

    /** Scans are JPEG pages of about the configured size, a new picture each time. */
    static final class Camera extends Simulated implements DocumentCamera {
        private final int scanBytes;
        private final AtomicInteger page = new AtomicInteger();

        Camera(int scanBytes) {
            super(Devices.Kind.DOCUMENT_CAMERA);
            this.scanBytes = scanBytes;
        }


        @Override
        public Scan capture() throws DeviceException {
            requireReady();
            int n = page.incrementAndGet();
            return new Scan(GeneratedDocuments.jpeg(scanBytes, n), "image/jpeg", "scan-" + n + ".jpg");
        }
    }

    static final class CardReader extends Simulated implements IdCardReader {
        CardReader() {
            super(Devices.Kind.IDCARD_READER);
        }


        @Override
        public Devices.IdCard read(Duration timeout) throws DeviceException {
            requireReady();
            return INVENTED_CARD;
        }
    }

    /** Reads the scripted codes in order; fails when the script is used up. */
    static final class Scanner extends Simulated implements BarcodeScanner {
        private final Deque<Devices.Barcode> script;

        Scanner(List<Devices.Barcode> script) {
            super(Devices.Kind.BARCODE_SCANNER);
            this.script = new ArrayDeque<>(script);
        }


        @Override
        public synchronized Devices.Barcode read(Duration timeout) throws DeviceException {
            requireReady();
            Devices.Barcode next = script.poll();
            if (next == null) {
                throw new DeviceException("no code scanned within " + timeout.toSeconds() + " s");
            }
            return next;
        }
    }

    /** Writes each job to {@code <folder>/<jobId>-<n>.<ext>}, one file per copy, as a printer queue would. */
    static final class FolderPrinter extends Simulated implements Printer {
        private final Path folder;

        FolderPrinter(Path folder) {
            super(Devices.Kind.PRINTER);
            this.folder = folder;
        }


        @Override
        public void print(String jobId, byte[] document, String mediaType, int copies) throws DeviceException {
            requireReady();
            String ext = switch (mediaType) {
                case "application/pdf" -> "pdf";
                case "image/png" -> "png";
                default -> "jpg";
            };
            try {
                Files.createDirectories(folder);
                for (int copy = 1; copy <= copies; copy++) {
                    Files.write(folder.resolve(safe(jobId) + "-" + copy + "." + ext), document);
                }
            } catch (IOException e) {
                throw new DeviceException("cannot write to the print folder: " + e.getMessage(), e);
            }
        }

        private static String safe(String jobId) {
            return jobId.replaceAll("[^A-Za-z0-9_-]", "_");
        }
    }
}
