package com.claromentis.keycloak.common;

/**
 * The one way a value from outside (a typed username, a name read from Claromentis or a directory, a token claim, an
 * HTTP answer) reaches a log line or an exception message.
 *
 * <p>Without it a value holding a line break forges a whole log line ("...\nINFO admin logged in"), and terminal
 * escape sequences rewrite what an administrator sees in a console. Every control character is shown as a visible
 * escape, and a value is cut at a length no log line needs, so a 100 KB attribute cannot flood the log.
 */
public final class LogSafe {

    /** Longest part of one value written to a log line; the rest is replaced by a count. */
    public static final int MAX_LENGTH = 200;

    private LogSafe() {
    }

    /** {@code value} fit for a log line: quoted-free, control characters escaped, at most {@link #MAX_LENGTH} shown. */
    public static String of(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        int shown = Math.min(text.length(), MAX_LENGTH);
        StringBuilder out = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || isLineOrFormatSeparator(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > shown) {
            out.append("...(").append(text.length() - shown).append(" more characters)");
        }
        return out.toString();
    }

    /** Whether {@code value} holds a character that {@link #of} would escape: such a value is no username. */
    public static boolean hasControlCharacters(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || isLineOrFormatSeparator(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLineOrFormatSeparator(char c) {
        // U+2028/U+2029 break lines in many viewers; bidi controls reorder what a reader sees (CVE-2021-42574 style).
        return c == '\u2028' || c == '\u2029' || c == '\u0085'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
