package io.doorstep.relay.document;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The tus {@code Upload-Metadata} of a document: {@code filename}, {@code filetype} (the client's claim, checked
 * against the accepted types), {@code page} (1..9999) and {@code device} (document-camera or agent-form); other keys
 * are kept and echoed. {@code raw} is the header as received, for HEAD.
 */
record UploadMetadata(String raw, Map<String, String> values) {
    static final UploadMetadata NONE = new UploadMetadata("", Map.of());
    static final int MAX_LENGTH = 4096;
    static final Set<String> DEVICES = Set.of("document-camera", "agent-form");

    UploadMetadata {
        values = Map.copyOf(values);
    }

    String filename() {
        return values.get("filename");
    }

    String filetype() {
        return values.get("filetype");
    }

    Integer page() {
        String p = values.get("page");
        return p == null ? null : Integer.valueOf(p);
    }

    String device() {
        return values.get("device");
    }

    /** Parses {@code key base64value} pairs separated by commas (a key alone has an empty value). */
    static UploadMetadata parse(String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        if (header.length() > MAX_LENGTH) {
            throw DocumentError.BAD_REQUEST.with("Upload-Metadata is longer than " + MAX_LENGTH + " characters");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : header.split(",")) {
            String[] kv = pair.trim().split(" ", -1);
            if (kv.length > 2 || kv[0].isEmpty() || values.containsKey(kv[0])) {
                throw DocumentError.BAD_REQUEST.with("Upload-Metadata: '" + kv[0] + "' is not a unique key with one value");
            }
            values.put(kv[0], kv.length == 2 ? decode(kv[0], kv[1]) : "");
        }
        return check(new UploadMetadata(header, values));
    }

    private static String decode(String key, String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw DocumentError.BAD_REQUEST.with("Upload-Metadata: the value of '" + key + "' is not base64");
        }
    }

    private static UploadMetadata check(UploadMetadata m) {
        String page = m.values.get("page");
        if (page != null && !page.matches("[1-9][0-9]{0,3}")) {
            throw DocumentError.BAD_REQUEST.with("Upload-Metadata: page must be a number 1..9999");
        }
        if (m.device() != null && !DEVICES.contains(m.device())) {
            throw DocumentError.BAD_REQUEST.with("Upload-Metadata: device must be one of " + DEVICES);
        }
        if (m.filetype() != null && !DocumentType.accepts(m.filetype())) {
            throw DocumentError.UNSUPPORTED_TYPE.with("only JPEG, PNG and PDF documents are accepted");
        }
        return m;
    }
}
