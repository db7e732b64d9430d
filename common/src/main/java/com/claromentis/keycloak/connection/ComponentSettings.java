package com.claromentis.keycloak.connection;

import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

/**
 * What every typed settings class of the bundle does the same way: bounded whole numbers, refusals the admin
 * console can show, and values quoted in a refusal without control characters or unbounded length.
 */
public final class ComponentSettings {

    private ComponentSettings() {
    }

    /**
     * A whole number between {@code min} and {@code max}, or {@code fallback} when unset.
     *
     * @throws ComponentValidationException naming {@code label} when the value is not a number or out of bounds
     */
    public static int integer(ComponentModel model, String key, String label, int fallback, int min, int max) {
        String raw = model.get(key);
        String value = raw == null || raw.isBlank() ? null : raw.trim();
        if (value == null) {
            return fallback;
        }
        long parsed;
        try {
            // Parsed as a long (and any longer run of digits as out of range) so "99999999999" reads as too large.
            parsed = value.matches("[+-]?[0-9]{12,}") ? (value.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE)
                    : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(label + " must be a whole number, not '" + abbreviate(value) + "'");
        }
        if (parsed < min || parsed > max) {
            throw invalid(label + " must be between " + min + " and " + max);
        }
        return (int) parsed;
    }

    /** Longest value {@link #requireBoundedValues} lets through by default: room for any URL, name or mapping. */
    public static final int MAX_VALUE_LENGTH = 4096;

    /**
     * Refuses a component whose configuration holds a value longer than {@code maxLength} characters, or more than
     * {@code maxLength} values under one key: Keycloak stores what the admin API is sent (100 KB and more) and every
     * reader of the setting would then carry it. Call it first in {@code validateConfiguration}; every component of
     * the bundle should.
     *
     * @param label turns a key into the label the administrator sees
     */
    public static void requireBoundedValues(ComponentModel model, java.util.function.UnaryOperator<String> label, int maxLength) {
        if (model.getConfig() == null) {
            return;
        }
        for (var entry : model.getConfig().entrySet()) {
            String key = entry.getKey();
            if (key != null && key.length() > maxLength) {
                throw invalid("A setting name is longer than " + maxLength + " characters");
            }
            if (entry.getValue() == null) {
                continue;
            }
            if (entry.getValue().size() > maxLength) {
                throw invalid(label.apply(key) + " has more than " + maxLength + " values");
            }
            for (String value : entry.getValue()) {
                if (value != null && value.length() > maxLength) {
                    throw invalid(label.apply(key) + " is longer than " + maxLength + " characters");
                }
            }
        }
    }

    /**
     * A refusal the admin console can show. Keycloak 26.7 runs a component validation message through
     * {@link java.text.MessageFormat} (twice on creation, as observed), which drops apostrophes and fails with a 500
     * on a stray '{' from a typed URL or a server's error text. Quoting cannot survive an unknown number of passes,
     * so the characters MessageFormat interprets are replaced by look-alikes it does not.
     */
    public static ComponentValidationException invalid(String text) {
        return new ComponentValidationException(text.replace('\'', '\u2019').replace('{', '(').replace('}', ')'));
    }

    /** A typed value fit to quote in a refusal: control characters shown as '?', at most 80 characters. */
    public static String abbreviate(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }

    /**
     * Whether {@code model} differs from what the realm stores for it only in Keycloak's own "last sync" time. Keycloak
     * saves a user storage component after every sync to record that time, and a save runs
     * {@code validateConfiguration}: checks that talk to a server (a probe, a domain lookup) are for settings an
     * administrator changed, not for every sync.
     */
    public static boolean onlySyncTimeChanged(org.keycloak.models.RealmModel realm, ComponentModel model) {
        ComponentModel stored = model.getId() == null ? null : realm.getComponent(model.getId());
        return stored != null && onlySyncTimeChanged(stored, model);
    }

    /** Whether {@code after} differs from {@code before} only in Keycloak's own "last sync" times (see above). */
    public static boolean onlySyncTimeChanged(ComponentModel before, ComponentModel after) {
        if (!java.util.Objects.equals(before.getName(), after.getName())
                || !java.util.Objects.equals(before.getParentId(), after.getParentId())) {
            return false;
        }
        var was = new java.util.HashMap<>(before.getConfig());
        var now = new java.util.HashMap<>(after.getConfig());
        // Keycloak 26.7 keeps one time per kind of sync: lastSync, lastSync_FULL, lastSync_CHANGED...
        was.keySet().removeIf(key -> key.startsWith(LAST_SYNC));
        now.keySet().removeIf(key -> key.startsWith(LAST_SYNC));
        return was.equals(now);
    }

    /** The config key (and prefix) under which Keycloak records a user storage component's last syncs. */
    private static final String LAST_SYNC = "lastSync";
}
