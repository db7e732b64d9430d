package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.common.AdminSaveListenerFactory;
import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the preset of a {@link VendorPresetMapper} when an administrator creates or saves one. Keycloak calls no
 * hook of an identity-provider mapper type on save, but its admin REST API sends an admin event to every
 * <em>global</em> event listener, in the request's transaction. Keycloak logs and drops what a listener throws, so
 * a refusal is written on the mapper itself ({@value VendorPresetMapper#RESULT}) and logged at WARN.
 */
public final class PresetMapperSavedListenerFactory extends AdminSaveListenerFactory {

    public static final String PROVIDER_ID = "claromentis-vendor-presets";

    private static final Logger LOG = Logger.getLogger(PresetMapperSavedListenerFactory.class);
    private static final Pattern MAPPER = Pattern.compile("identity-provider/instances/[^/]+/mappers/([^/]+)");
    private static final List<OperationType> SAVES = List.of(OperationType.CREATE, OperationType.UPDATE);

    public PresetMapperSavedListenerFactory() {
        super(PROVIDER_ID);
    }

    @Override
    protected void onAdminEvent(KeycloakSession session, AdminEvent event) {
        if (event.getResourceType() != ResourceType.IDENTITY_PROVIDER_MAPPER
                || !SAVES.contains(event.getOperationType()) || event.getResourcePath() == null) {
            return;
        }
        Matcher path = MAPPER.matcher(event.getResourcePath());
        if (!path.matches()) {
            return;
        }
        IdentityProviderMapperModel mapper = session.identityProviders().getMapperById(path.group(1));
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (mapper == null || realm == null || !VendorPresetMapper.PROVIDER_ID.equals(mapper.getIdentityProviderMapper())) {
            return;
        }
        record(session, mapper, apply(session, realm, mapper));
    }

    private static String apply(KeycloakSession session, RealmModel realm, IdentityProviderMapperModel mapper) {
        String alias = mapper.getIdentityProviderAlias();
        String vendorName = mapper.getConfig() == null ? null : mapper.getConfig().get(VendorPresetMapper.VENDOR);
        Optional<SignInVendor> vendor = SignInVendor.fromPath(vendorName == null ? SignInVendor.GENERIC.pathName() : vendorName);
        Optional<IdentityProviderModel> provider = PresetApplier.provider(session, alias);
        try {
            if (vendor.isEmpty()) {
                throw new IllegalArgumentException("Unknown vendor '" + LogSafe.of(vendorName) + "': use one of "
                        + SignInVendor.pathNames());
            }
            if (provider.isEmpty()) {
                throw new IllegalArgumentException("No identity provider '" + LogSafe.of(alias) + "'");
            }
            Map<String, Object> result = PresetApplier.forProvider(session, realm, provider.get()).run(vendor.get(), true);
            long changed = ((List<?>) result.get("mappers")).stream()
                    .filter(row -> !"unchanged".equals(((Map<?, ?>) row).get("action"))).count();
            return "Applied the " + vendor.get().pathName() + " preset: " + changed + " mapper(s) created or updated";
        } catch (PresetApplier.Refused | IllegalArgumentException e) {
            LOG.warnf("The vendor preset mapper '%s' of identity provider '%s' in realm %s was saved, but its preset "
                    + "was not applied: %s", LogSafe.of(mapper.getName()), LogSafe.of(alias), realm.getName(),
                    e.getMessage());
            return "Refused: " + e.getMessage();
        }
    }

    private static void record(KeycloakSession session, IdentityProviderMapperModel mapper, String result) {
        Map<String, String> config = new HashMap<>(mapper.getConfig() == null ? Map.of() : mapper.getConfig());
        config.put(VendorPresetMapper.RESULT, result);
        mapper.setConfig(config);
        session.identityProviders().updateMapper(mapper);
    }
}
