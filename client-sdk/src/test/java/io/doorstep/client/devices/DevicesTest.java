package io.doorstep.client.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.client.internal.documents.MediaTypes;
import io.doorstep.protocol.Devices;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated kit makes real documents and behaves like hardware; the real adapters fail clearly without it. */
class DevicesTest {
    @TempDir
    Path dir;

    @Test
    void generatedScansAreRealImagesOfTheSizeAskedFor() throws Exception {
        byte[] jpeg = GeneratedDocuments.jpeg(500_000, 1);
        assertThat(jpeg.length).isBetween(500_000, 800_000);
        assertThat(MediaTypes.sniff(jpeg)).isEqualTo("image/jpeg");
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(read.getHeight()).isEqualTo(read.getWidth() * 3 / 4);

        byte[] png = GeneratedDocuments.png(200, 100, 2);
        assertThat(MediaTypes.sniff(png)).isEqualTo("image/png");
        assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(200);
    }

    @Test
    void generatedFormsAreWellFormedPdf() {
        String pdf = new String(GeneratedDocuments.pdf(List.of("Name (as on the card)", "签名")),
                StandardCharsets.US_ASCII);
        assertThat(pdf).startsWith("%PDF-1.4\n").endsWith("%%EOF\n").contains("(Name \\(as on the card\\)) Tj",
                "(??) Tj");
        int xref = Integer.parseInt(pdf.substring(pdf.indexOf("startxref\n") + 10, pdf.indexOf("\n%%EOF")));
        assertThat(pdf.substring(xref)).startsWith("xref\n0 6\n");
        // Every object starts where the cross-reference table says.
        List<String> offsets = pdf.substring(xref).lines().skip(3).limit(5).toList();
        for (int i = 0; i < offsets.size(); i++) {
            int at = Integer.parseInt(offsets.get(i).substring(0, 10));
            assertThat(pdf.substring(at)).startsWith((i + 1) + " 0 obj");
        }
    }

    @Test
    void theSimulatedKitReportsHealthAndFailsWhenNotReady() throws Exception {
        Kit kit = SimulatedKit.create(10_000, dir, List.of(new Devices.Barcode("A-1", "code128")));
        assertThat(kit.health()).extracting(Devices.Health::device).containsExactly(Devices.Kind.DOCUMENT_CAMERA,
                Devices.Kind.IDCARD_READER, Devices.Kind.BARCODE_SCANNER, Devices.Kind.PRINTER, Devices.Kind.CAMERA);
        assertThat(kit.health()).allMatch(h -> h.state() == Devices.State.READY);

        AtomicInteger changes = new AtomicInteger();
        kit.printer().onHealthChange(changes::incrementAndGet);
        ((SimulatedKit.Simulated) kit.printer()).set(Devices.State.OUT_OF_PAPER, "media-empty");
        assertThat(changes).hasValue(1);
        assertThat(kit.printer().health().state()).isEqualTo(Devices.State.OUT_OF_PAPER);
        assertThatThrownBy(() -> kit.printer().print("job-1", new byte[] {1}, "application/pdf", 1))
                .isInstanceOf(DeviceException.class).hasMessage("printer is out_of_paper (media-empty)");

        ((SimulatedKit.Simulated) kit.printer()).set(Devices.State.READY, null);
        kit.printer().print("job/2", new byte[] {1, 2}, "application/pdf", 2);
        assertThat(Files.readAllBytes(dir.resolve("job_2-2.pdf"))).containsExactly(1, 2);

        assertThat(kit.barcodeScanner().read(Duration.ofSeconds(1)).code()).isEqualTo("A-1");
        assertThatThrownBy(() -> kit.barcodeScanner().read(Duration.ofSeconds(1)))
                .isInstanceOf(DeviceException.class).hasMessageContaining("no code scanned");
        assertThat(kit.documentCamera().capture().filename()).isEqualTo("scan-1.jpg");
        assertThat(kit.idCardReader().read(Duration.ofSeconds(1))).isEqualTo(SimulatedKit.INVENTED_CARD);
    }

    @Test
    void theRealAdaptersFindNothingHereWithoutFailing() {
        // No PC/SC service and no printers on a build machine: absent, not an exception.
        assertThat(SmartCardIdReader.first()).isEmpty();
        assertThat(SystemPrinter.named("no-such-printer")).isEmpty();
    }
}
