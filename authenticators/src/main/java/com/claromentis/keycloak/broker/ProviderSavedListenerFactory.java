package com.claromentis.keycloak.broker;

import com.claromentis.keycloak.common.AdminSaveListenerFactory;
import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@link SignInGuarantees} to identity providers as administrators create them, and puts the tenant guard
 * back when an administrator deletes it without opting the provider out. Keycloak 26.7 publishes no provider event
 * for a created identity provider (only for an updated or removed one), but its admin REST API sends an admin event
 * to every <em>global</em> event listener, in the request's transaction, whatever the realm's listener settings.
 * Updates are handled through {@code RealmModel.IdentityProviderUpdatedEvent}, which also covers other paths.
 */
public final class ProviderSavedListenerFactory extends AdminSaveListenerFactory {

    public static final String PROVIDER_ID = "claromentis-sign-in-guarantees";

    private static final Logger LOG = Logger.getLogger(ProviderSavedListenerFactory.class);
    private static final Pattern PROVIDER = Pattern.compile("identity-provider/instances/([^/]+)(/mappers/[^/]+)?");

    public ProviderSavedListenerFactory() {
        super(PROVIDER_ID);
    }

    @Override
    protected void onAdminEvent(KeycloakSession session, AdminEvent event) {
        boolean created = event.getResourceType() == ResourceType.IDENTITY_PROVIDER
                && event.getOperationType() == OperationType.CREATE;
        boolean guardRemoved = event.getResourceType() == ResourceType.IDENTITY_PROVIDER_MAPPER
                && event.getOperationType() == OperationType.DELETE;
        if ((!created && !guardRemoved) || event.getResourcePath() == null) {
            return;
        }
        Matcher path = PROVIDER.matcher(event.getResourcePath());
        if (!path.matches() || (guardRemoved && path.group(2) == null)) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null) {
            return;
        }
        String alias = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
        IdentityProviderModel provider = session.identityProviders().getByAlias(alias);
        if (provider == null) {
            LOG.debugf("Admin event for identity provider '%s' of realm '%s', which no longer exists",
                    LogSafe.of(alias), LogSafe.of(realm.getName()));
            return;
        }
        SignInGuarantees.providerSaved(session, realm, provider);
    }
}
