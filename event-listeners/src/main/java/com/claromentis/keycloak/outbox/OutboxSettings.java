package com.claromentis.keycloak.outbox;

import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outbox's server-wide settings, from the {@code claromentis-provisioning} event listener's SPI options, e.g.
 * {@code spi-events-listener--claromentis-provisioning--max-attempts=12} in {@code keycloak.conf}. Every key is
 * declared here once. Durations take {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h} or plain seconds.
 */
public final class OutboxSettings {

    static final String POLL_INTERVAL = "poll-interval";
    static final String BATCH_SIZE = "batch-size";
    static final String MAX_ATTEMPTS = "max-attempts";
    static final String BACKOFF_BASE = "backoff-base";
    static final String BACKOFF_MAX = "backoff-max";
    static final String MAX_AGE = "max-age";
    static final String CLAIM_LEASE = "claim-lease";
    static final String WORKER_THREADS = "worker-threads";
    static final String LINK_BY_EMAIL = "link-by-verified-email";
    /** A batch is removed in one statement whose id list every database takes (Oracle: 1,000 at most). */
    static final int MAX_BATCH_SIZE = 500;

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(POLL_INTERVAL).type(ProviderConfigProperty.STRING_TYPE).defaultValue("5s")
            .helpText("How often each node looks for due changes when nothing woke it earlier.").add()
            .property().name(BATCH_SIZE).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("100")
            .helpText("Changes a node claims at once.").add()
            .property().name(MAX_ATTEMPTS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("10")
            .helpText("Failed deliveries after which a change becomes a dead letter.").add()
            .property().name(BACKOFF_BASE).type(ProviderConfigProperty.STRING_TYPE).defaultValue("2s")
            .helpText("Wait after the first failure; it doubles after each further failure.").add()
            .property().name(BACKOFF_MAX).type(ProviderConfigProperty.STRING_TYPE).defaultValue("5m")
            .helpText("Longest wait between two attempts.").add()
            .property().name(MAX_AGE).type(ProviderConfigProperty.STRING_TYPE).defaultValue("24h")
            .helpText("A change still failing this long after it was queued becomes a dead letter; 0 for no limit.").add()
            .property().name(CLAIM_LEASE).type(ProviderConfigProperty.STRING_TYPE).defaultValue("2m")
            .helpText("How long a node holds a claimed change; after it another node takes over (a crashed node's work).")
            .add()
            .property().name(WORKER_THREADS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("4")
            .helpText("Changes of different users a node delivers at the same time.").add()
            .property().name(LINK_BY_EMAIL).type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
            .helpText("Treat a Claromentis user as the same person as a Keycloak user of the same username when the "
                    + "Keycloak user's email is verified and equal to the Claromentis user's email. Only where "
                    + "Claromentis emails are trusted: the People API does not say whether an email was verified.")
            .add()
            .build();

    private final Duration pollInterval;
    private final int batchSize;
    private final int maxAttempts;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final Duration maxAge;
    private final Duration claimLease;
    private final int workerThreads;
    private final boolean linkByVerifiedEmail;

    private OutboxSettings(Function<String, String> source) {
        this.pollInterval = duration(source, POLL_INTERVAL, Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofHours(1));
        this.batchSize = integer(source, BATCH_SIZE, 100, 1, MAX_BATCH_SIZE);
        this.maxAttempts = integer(source, MAX_ATTEMPTS, 10, 1, 1000);
        this.backoffBase = duration(source, BACKOFF_BASE, Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofHours(1));
        this.backoffMax = duration(source, BACKOFF_MAX, Duration.ofMinutes(5), backoffBase, Duration.ofDays(1));
        this.maxAge = duration(source, MAX_AGE, Duration.ofHours(24), Duration.ZERO, Duration.ofDays(365));
        this.claimLease = duration(source, CLAIM_LEASE, Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofHours(1));
        this.workerThreads = integer(source, WORKER_THREADS, 4, 1, 32);
        this.linkByVerifiedEmail = bool(source, LINK_BY_EMAIL, false);
    }

    /**
     * Reads the SPI options.
     *
     * @throws IllegalArgumentException naming the option, so a typo stops the server at start rather than later
     */
    public static OutboxSettings from(Config.Scope scope) {
        return new OutboxSettings(scope::get);
    }

    /** Settings from plain key/value pairs, for tests. */
    static OutboxSettings of(Map<String, String> values) {
        return new OutboxSettings(values::get);
    }

    public Duration pollInterval() { return pollInterval; }
    public int batchSize() { return batchSize; }
    public int maxAttempts() { return maxAttempts; }
    public Duration backoffBase() { return backoffBase; }
    public Duration backoffMax() { return backoffMax; }
    /** {@link Duration#ZERO} means no limit. */
    public Duration maxAge() { return maxAge; }
    public Duration claimLease() { return claimLease; }
    public int workerThreads() { return workerThreads; }
    /** Whether a verified email equal on both sides links a Keycloak user to a Claromentis user (see ClaromentisLink). */
    public boolean linkByVerifiedEmail() { return linkByVerifiedEmail; }

    /** The settings as the admin endpoint shows them (nothing secret here). */
    Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(POLL_INTERVAL, pollInterval.toMillis() + "ms");
        out.put(BATCH_SIZE, batchSize);
        out.put(MAX_ATTEMPTS, maxAttempts);
        out.put(BACKOFF_BASE, backoffBase.toMillis() + "ms");
        out.put(BACKOFF_MAX, backoffMax.toMillis() + "ms");
        out.put(MAX_AGE, maxAge.toMillis() + "ms");
        out.put(CLAIM_LEASE, claimLease.toMillis() + "ms");
        out.put(WORKER_THREADS, workerThreads);
        out.put(LINK_BY_EMAIL, linkByVerifiedEmail);
        return out;
    }

    @Override
    public String toString() {
        return "OutboxSettings" + describe();
    }

    private static int integer(Function<String, String> source, String key, int fallback, int min, int max) {
        String text = blankToNull(source.apply(key));
        if (text == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option(key) + " must be a whole number, not '" + text + "'", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(option(key) + " must be between " + min + " and " + max);
        }
        return value;
    }

    private static boolean bool(Function<String, String> source, String key, boolean fallback) {
        String text = blankToNull(source.apply(key));
        if (text == null) {
            return fallback;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(option(key) + " must be true or false, not '" + text + "'");
        };
    }

    static Duration duration(Function<String, String> source, String key, Duration fallback, Duration min, Duration max) {
        String text = blankToNull(source.apply(key));
        if (text == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option(key) + " must be a duration such as 500ms, 30s, 5m or 24h, not '"
                    + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration value = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(option(key) + " must be between " + min + " and " + max + ", not " + text);
        }
        return value;
    }

    private static String option(String key) {
        return "spi-events-listener--" + ProvisioningEventListenerFactory.PROVIDER_ID + "--" + key;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
