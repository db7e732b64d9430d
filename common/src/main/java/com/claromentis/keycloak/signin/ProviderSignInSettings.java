package com.claromentis.keycloak.signin;

import org.keycloak.models.IdentityProviderModel;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Claromentis sign-in settings an administrator keeps on an identity provider itself (its config map, so the
 * admin REST API, realm imports and every caller read the same values without an authenticator config):
 *
 * <ul>
 *   <li>{@value #KIND} = {@code social} | {@code enterprise}: overrides the classification by provider type;</li>
 *   <li>{@value #GUARD} = {@code off}: opts the provider out of the default sign-in guarantees (no accounts from
 *       social sign-ins, the Entra tenant guard). Anything else, or nothing, keeps them on.</li>
 * </ul>
 */
public final class ProviderSignInSettings {

    /** Identity-provider config key: {@code social} or {@code enterprise}, whatever the provider's type. */
    public static final String KIND = "claromentis.kind";
    /** Identity-provider config key: {@code off} opts the provider out of the Claromentis sign-in guarantees. */
    public static final String GUARD = "claromentis.guard";
    public static final String GUARD_OFF = "off";
    public static final String GUARD_ON = "on";

    private final String kind;
    private final String guard;

    private ProviderSignInSettings(String kind, String guard) {
        this.kind = normalise(kind);
        this.guard = normalise(guard);
    }

    public static ProviderSignInSettings of(IdentityProviderModel provider) {
        Map<String, String> config = provider == null || provider.getConfig() == null ? Map.of() : provider.getConfig();
        return of(config);
    }

    public static ProviderSignInSettings of(Map<String, String> config) {
        return new ProviderSignInSettings(config.get(KIND), config.get(GUARD));
    }

    /** The administrator's override, empty when none (or one that is not understood, see {@link #unreadableKind()}). */
    public Optional<LoginKind> kindOverride() {
        if (kind == null) {
            return Optional.empty();
        }
        return switch (kind) {
            case "social" -> Optional.of(LoginKind.SOCIAL);
            case "enterprise" -> Optional.of(LoginKind.ENTERPRISE);
            default -> Optional.empty();
        };
    }

    /** The stored {@value #KIND} value when it is neither {@code social} nor {@code enterprise}. */
    public Optional<String> unreadableKind() {
        return kind != null && kindOverride().isEmpty() ? Optional.of(kind) : Optional.empty();
    }

    /** Whether the administrator opted this provider out of the guarantees: only the exact word {@code off}. */
    public boolean optedOut() {
        return GUARD_OFF.equals(guard);
    }

    /** The stored {@value #GUARD} value when it is neither {@code on} nor {@code off}: the guarantees stay on. */
    public Optional<String> unreadableGuard() {
        return guard != null && !GUARD_OFF.equals(guard) && !GUARD_ON.equals(guard) ? Optional.of(guard) : Optional.empty();
    }

    private static String normalise(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.trim().toLowerCase(Locale.ROOT);
    }
}
