package com.claromentis.keycloak.entra;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jboss.logging.Logger;

/**
 * One {@link EntraTokenValidator} per {@code entra-id} provider, built again only when the settings it is made of
 * change. Keycloak creates a provider object per request, so without this every sign-in would parse the authority
 * and build the rules again. Held by the provider factory (one per server). The entry of a deleted provider stays
 * until restart: a few hundred bytes, not worth a removal listener.
 */
final class EntraTokenValidators {

    private static final Logger log = Logger.getLogger(EntraTokenValidators.class);

    /** The stored values a validator is derived from; cheap to read from the config map and to compare. */
    private record Settings(String tenant, String authorityHost, String clientId, boolean guestsAllowed, int clockSkew) {

        static Settings of(EntraIdConfig config) {
            return new Settings(config.getTenant(), config.getAuthorityHost(), config.getClientId(),
                    config.isGuestUsersAllowed(), config.getAllowedClockSkew());
        }
    }

    /** An empty validator stands for a provider stored without a valid tenant or client id. */
    private record Entry(Settings settings, Optional<EntraTokenValidator> validator) {
    }

    private final ConcurrentMap<String, Entry> byProvider = new ConcurrentHashMap<>();

    /** @return the validator for this configuration, or empty when the provider cannot check tokens at all */
    Optional<EntraTokenValidator> forConfig(EntraIdConfig config) {
        // internalId is unique across realms; an alias only within one, hence the prefix that keeps the two apart.
        String key = config.getInternalId() != null ? config.getInternalId() : "alias:" + config.getAlias();
        Settings settings = Settings.of(config);
        return byProvider.compute(key, (k, cached) -> cached != null && cached.settings().equals(settings)
                ? cached : new Entry(settings, build(config))).validator();
    }

    private static Optional<EntraTokenValidator> build(EntraIdConfig config) {
        try {
            return Optional.of(new EntraTokenValidator(config.newTenantRules()));
        } catch (IllegalArgumentException e) {
            // Every sign-in through the provider is then refused and logged as provider_misconfigured; this says why.
            log.warnf("entra-id provider '%s' cannot check tokens: %s", config.getAlias(), e.getMessage());
            return Optional.empty();
        }
    }
}
