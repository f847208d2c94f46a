package io.doorstep.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The station's five-piece kit on the wire: payloads that pass through a call (they hold personal data: the server
 * forwards them to the other party and never logs or stores them), the health of each device, and what an agent may
 * ask a station's kit to do.
 */
public final class Devices {
    /** The most devices one station reports (the kit has five; spares and second cameras fit). */
    public static final int MAX_DEVICES = 16;

    private Devices() {
    }

    /** What the ID-card reader read from a resident identity card. */
    public record IdCard(String name, String idNumber, String sex, String ethnicity, String birthDate,
                         String address, String issuer, String validFrom, String validTo, String photo) {
        public IdCard {
            Fields.requiredText(name, "card.name", 64);
            Fields.requiredText(idNumber, "card.idNumber", 32);
        }
    }

    /** A code read by the barcode / QR scanner gun. */
    public record Barcode(String code, String symbology) {
        public Barcode {
            Fields.requiredText(code, "barcode.code", 4096);
            Fields.maxLength(symbology, "barcode.symbology", 32);
        }
    }

    /** A device of the kit. The wire names are those of the document metadata's {@code device}. */
    public enum Kind {
        /** 高拍仪, the overhead document camera: full-resolution stills that become documents. */
        @JsonProperty("document-camera") DOCUMENT_CAMERA,
        /** 读卡器, the resident ID-card reader. */
        @JsonProperty("idcard-reader") IDCARD_READER,
        /** 扫描枪, the barcode / QR scanner gun. */
        @JsonProperty("barcode-scanner") BARCODE_SCANNER,
        /** 打印机, the printer for forms the agent sends. */
        @JsonProperty("printer") PRINTER,
        /** 摄像头, the webcam for the call's video. */
        @JsonProperty("camera") CAMERA;

        /** What an agent may ask a station's kit for during a call. */
        public static final Set<Kind> REQUESTABLE = EnumSet.of(DOCUMENT_CAMERA, IDCARD_READER, BARCODE_SCANNER);

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A device's health as the station terminal sees it. */
    public enum State {
        /** Present and ready to use. */
        @JsonProperty("ready") READY,
        /** Present but not ready now (warming up, busy, cover open). */
        @JsonProperty("not_ready") NOT_READY,
        /** A printer without paper. */
        @JsonProperty("out_of_paper") OUT_OF_PAPER,
        /** Present and failing. */
        @JsonProperty("error") ERROR,
        /** Not connected to the terminal. */
        @JsonProperty("absent") ABSENT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One device's health. {@code model} names the hardware or the adapter (e.g. "simulated", a PC/SC reader name),
     * {@code detail} says what is wrong in the device's own words (e.g. "media-empty"); neither may hold personal
     * data: operators see both.
     */
    public record Health(Kind device, State state, String model, String detail) {
        public Health {
            Fields.required(device, "devices.device");
            Fields.required(state, "devices.state");
            Fields.maxLength(model, "devices.model", 64);
            Fields.maxLength(detail, "devices.detail", 128);
        }
    }

    /** Checks a station's kit as reported: at most {@link #MAX_DEVICES}, each kind at most once. */
    static List<Health> kit(List<Health> devices) {
        List<Health> kit = List.copyOf(Fields.required(devices, "devices"));
        Fields.check(kit.size() <= MAX_DEVICES, "at most " + MAX_DEVICES + " devices");
        Fields.check(kit.stream().map(Health::device).distinct().count() == kit.size(),
                "each device kind at most once");
        return kit;
    }
}
