package io.doorstep.protocol;

/**
 * Payloads from the station's five-piece kit that pass through a call. They hold personal data: the server
 * forwards them to the other party of the call and never logs or stores them.
 */
public final class Devices {
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
}
