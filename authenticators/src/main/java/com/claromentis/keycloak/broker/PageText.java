package com.claromentis.keycloak.broker;

/**
 * A value an administrator or a provider typed, made safe to put into a message of a login page as text.
 *
 * <p>Keycloak's error page renders a message through {@code kcSanitize(...)?no_esc}: the sanitizer keeps the markup
 * it allows ({@code <b>}, {@code <a href>}, ...), so a parameter of the message must arrive HTML-escaped to be shown
 * as the characters typed. Escaping {@code &} first keeps an escaped value from being read as an entity.
 */
final class PageText {

    private PageText() {
    }

    static String of(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
