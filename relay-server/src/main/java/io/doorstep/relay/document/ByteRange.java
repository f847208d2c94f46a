package io.doorstep.relay.document;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a GET ({@code Range: bytes=first-} or {@code bytes=first-last}, RFC 9110 §14.1.2), so a reader
 * whose download broke off resumes where it stopped: the station fetching a print form over a village uplink. Other
 * forms (suffix ranges, several ranges) are ignored, as the RFC allows, and the whole document is sent.
 */
record ByteRange(long first, Long last) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{1,18})-(\\d{1,18})?");

    /** The range of a {@code Range} header, or null when there is none this relay serves. */
    static ByteRange parse(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches()) {
            return null;
        }
        long first = Long.parseLong(m.group(1));
        Long last = m.group(2) == null ? null : Long.parseLong(m.group(2));
        return last != null && last < first ? null : new ByteRange(first, last);
    }

    /** Whether any of it lies within a document of {@code length} bytes. */
    boolean satisfiable(long length) {
        return first < length;
    }

    /** The end (exclusive) within a document of {@code length} bytes. */
    long end(long length) {
        return last == null ? length : Math.min(last + 1, length);
    }
}
