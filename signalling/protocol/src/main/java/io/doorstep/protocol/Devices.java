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

    /** A document the agent sends to the station's printer: a reference to a document, not its bytes. */
    public record PrintJob(String jobId, String documentId, String name, int copies) {
        public PrintJob {
            Fields.requiredText(jobId, "job.jobId", 64);
            Fields.requiredText(documentId, "job.documentId", 256);
            Fields.maxLength(name, "job.name", 256);
            Fields.check(copies >= 1 && copies <= 20, "job.copies must be 1..20");
        }
    }

    /** The station's answer to a print job. */
    public record PrintResult(String jobId, Status status, String reason) {
        public PrintResult {
            Fields.requiredText(jobId, "result.jobId", 64);
            Fields.required(status, "result.status");
            Fields.maxLength(reason, "result.reason", 256);
        }

        public enum Status {
            @com.fasterxml.jackson.annotation.JsonProperty("printed") PRINTED,
            @com.fasterxml.jackson.annotation.JsonProperty("failed") FAILED
        }
    }
}
