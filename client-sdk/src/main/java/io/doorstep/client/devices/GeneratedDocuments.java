package io.doorstep.client.devices;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Real JPEG, PNG and PDF documents made up on the spot, for the simulated kit, tests and the demo: what the
 * document relay's content check accepts and any viewer opens. The pictures are a paper-coloured page with ruled
 * boxes and paper grain (no text: a headless machine may have no fonts); the grain makes JPEGs as large as a real
 * high-resolution scan.
 */
public final class GeneratedDocuments {
    private GeneratedDocuments() {
    }

    /** A JPEG page of at least about {@code approxBytes} (its dimensions grow with the size asked for). */
    public static byte[] jpeg(int approxBytes, long seed) {
        // Grain at quality 0.95 costs about half a byte per pixel; 4:3 like a document camera's sensor. One more
        // try, larger by the shortfall, when the first guess comes out small.
        double bytesPerPixel = 0.5;
        byte[] jpeg = null;
        for (int attempt = 0; attempt < 2 && (jpeg == null || jpeg.length < approxBytes); attempt++) {
            int width = Math.max(64, (int) Math.sqrt(approxBytes / bytesPerPixel * 4 / 3));
            jpeg = encodeJpeg(page(width, width * 3 / 4, seed), 0.95f);
            bytesPerPixel *= (double) jpeg.length / approxBytes * 0.97;
        }
        return jpeg;
    }

    /** A PNG page of {@code width} x {@code height}. */
    public static byte[] png(int width, int height, long seed) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(page(width, height, seed), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A one-page PDF (A4) with {@code lines} of text in Helvetica (ASCII; other characters become '?'). */
    public static byte[] pdf(List<String> lines) {
        StringBuilder content = new StringBuilder("BT /F1 12 Tf 72 770 Td 16 TL\n");
        for (String line : lines) {
            content.append('(').append(pdfText(line)).append(") Tj T*\n");
        }
        content.append("ET\n0.5 w 72 60 451 680 re S\n");
        byte[] stream = content.toString().getBytes(StandardCharsets.US_ASCII);
        List<String> objects = List.of(
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
                        + " /Contents 5 0 R >>",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                "<< /Length " + stream.length + " >>\nstream\n" + new String(stream, StandardCharsets.US_ASCII)
                        + "endstream");
        return pdfFile(objects);
    }

    private static byte[] pdfFile(List<String> objects) {
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(pdf.length()); // all ASCII: characters are bytes
            pdf.append(i + 1).append(" 0 obj\n").append(objects.get(i)).append("\nendobj\n");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(objects.size() + 1).append("\n0000000000 65535 f \n");
        offsets.forEach(o -> pdf.append(String.format("%010d 00000 n \n", o)));
        pdf.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref).append("\n%%EOF\n");
        return pdf.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String pdfText(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '(' || c == ')' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append(c >= 32 && c < 127 ? c : '?');
            }
        }
        return b.toString();
    }

    private static BufferedImage page(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(seed);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int grain = random.nextInt(48);
                row[x] = (0xF0 - grain) << 16 | (0xE8 - grain) << 8 | (0xD8 - grain);
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(0x8B1A1A));
            int margin = width / 20;
            g.drawRect(margin, margin, width - 2 * margin, height - 2 * margin);
            for (int i = 1; i < 8; i++) {
                int y = margin + i * (height - 2 * margin) / 8;
                g.drawLine(margin, y, width - margin, y);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static byte[] encodeJpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
            stream.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }
}
