package io.doorstep.relay.stun;

import java.text.Normalizer;

/**
 * String preparation for long-term credentials.
 *
 * <p>RFC 8489 §9.2.2 names the OpaqueString profile (RFC 8265); RFC 5389 named SASLprep (RFC 4013). This class
 * implements SASLprep, because that is what every published STUN vector was computed with: RFC 5769 §2.4 and
 * RFC 8489 Appendix B.1 both turn "The&lt;U+00AD&gt;M&lt;U+00AA&gt;tr&lt;U+2168&gt;" into "TheMatrIX", which needs
 * SASLprep's removal of U+00AD and its NFKC normalisation (OpaqueString's NFC leaves U+00AA and U+2168 alone and
 * would reject U+00AD). For printable ASCII, which is every credential Doorstep issues (TURN REST API passwords are
 * base64), the two profiles agree exactly.
 *
 * <p>Gaps, on purpose: Java's Normalizer uses the JDK's Unicode version, not stringprep's Unicode 3.2, so code
 * points assigned after 3.2 are let through (RFC 4013 "queries" behaviour) rather than refused as unassigned.
 */
final class Saslprep {

    private Saslprep() {
    }

    /**
     * Prepares {@code s}: maps non-ASCII spaces to U+0020 and the "commonly mapped to nothing" code points to
     * nothing (RFC 4013 §2.1), normalises to NFKC (§2.2), then refuses prohibited output (§2.3) and bad
     * bidirectional text (§2.4, RFC 3454 §6).
     *
     * @throws IllegalArgumentException if the result holds a prohibited code point or breaks the bidi rule
     */
    static String prepare(String s) {
        if (isPlainAscii(s)) {
            return s; // nothing to map or normalise; the common case costs one scan
        }
        StringBuilder mapped = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
            } else if (!isMappedToNothing(cp)) {
                mapped.appendCodePoint(cp);
            }
        }
        String out = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean hasRandAL = false;
        boolean hasL = false;
        for (int i = 0; i < out.length(); ) {
            int cp = out.codePointAt(i);
            i += Character.charCount(cp);
            if (isProhibited(cp)) {
                throw new IllegalArgumentException(String.format("prohibited code point U+%04X", cp));
            }
            byte dir = Character.getDirectionality(cp);
            hasRandAL |= dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                    || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
            hasL |= dir == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (hasRandAL && (hasL || !isRandAL(out.codePointAt(0)) || !isRandAL(out.codePointBefore(out.length())))) {
            throw new IllegalArgumentException("mixes right-to-left and left-to-right text (RFC 3454 §6)");
        }
        return out;
    }

    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRandAL(int cp) {
        byte dir = Character.getDirectionality(cp);
        return dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table C.1.2. */
    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** RFC 3454 table B.1. */
    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    /** RFC 4013 §2.3: RFC 3454 tables C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9. */
    private static boolean isProhibited(int cp) {
        return isNonAsciiSpace(cp)
                // C.2.1 ASCII control
                || cp <= 0x001F || cp == 0x007F
                // C.2.2 non-ASCII control
                || (cp >= 0x0080 && cp <= 0x009F) || cp == 0x06DD || cp == 0x070F || cp == 0x180E
                || cp == 0x200C || cp == 0x200D || cp == 0x2028 || cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2063)
                || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC)
                || (cp >= 0x1D173 && cp <= 0x1D17A)
                // C.3 private use
                || (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD)
                || (cp >= 0x100000 && cp <= 0x10FFFD)
                // C.4 non-character code points
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE
                // C.5 surrogates (only unpaired ones survive as code points)
                || (cp >= 0xD800 && cp <= 0xDFFF)
                // C.6 inappropriate for plain text
                || (cp >= 0xFFF9 && cp <= 0xFFFD)
                // C.7 inappropriate for canonical representation
                || (cp >= 0x2FF0 && cp <= 0x2FFB)
                // C.8 change display properties or deprecated
                || cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
                // C.9 tagging
                || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);
    }
}
