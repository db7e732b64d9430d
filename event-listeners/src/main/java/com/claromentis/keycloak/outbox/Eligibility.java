package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.signin.LoginKind;
import com.claromentis.keycloak.connection.PeopleApiClients;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.UserStoragePrivateUtil;

import java.util.List;
import java.util.Optional;

/** Which Keycloak users the outbox may push to Claromentis; checked when a change is queued and again on delivery. */
final class Eligibility {

    private Eligibility() {
    }

    /**
     * Why {@code user} must not be pushed, or empty when it may be.
     *
     * @param writeBack the People API component a write-back change comes from, or null for any other change
     */
    static Optional<String> refusal(KeycloakSession session, RealmModel realm, UserModel user, String writeBack) {
        return refusal(session, realm, user, writeBack, null);
    }

    /**
     * @param identityProviders the aliases of the local user's identity links when read already (see
     *                          {@link DeliveryReads}), or null to read them here
     */
    static Optional<String> refusal(KeycloakSession session, RealmModel realm, UserModel user, String writeBack,
                                    List<String> identityProviders) {
        if (user.getServiceAccountClientLink() != null) {
            return Optional.of("a service account");
        }
        String link = user.getFederationLink();
        if (writeBack != null && !writeBack.equals(link)) {
            return Optional.of("not a user of the People API provider " + writeBack + " whose write-back queued the change");
        }
        if (link != null) {
            ComponentModel component = realm.getComponent(link);
            // Claromentis is already the source of these users: pushing them back would echo every sync forever.
            // Only their own component's write-back (an administrator's or the user's edit, never a sync) may.
            if (component != null && PeopleApiClients.PEOPLE_API_PROVIDER_ID.equals(component.getProviderId())
                    && !link.equals(writeBack)) {
                return Optional.of("imported from Claromentis by the People API user storage");
            }
            return Optional.empty();
        }
        // A local user's identity links are in Keycloak's own table only (its federated storage holds those of
        // users a provider keeps without importing them): one read instead of one per table.
        List<String> aliases = identityProviders;
        if (aliases == null) {
            UserProvider identities = StorageId.isLocalStorage(user.getId())
                    ? UserStoragePrivateUtil.userLocalStorage(session) : session.users();
            aliases = identities.getFederatedIdentitiesStream(realm, user)
                    .map(FederatedIdentityModel::getIdentityProvider)
                    .toList();
        }
        // Claromentis provisions enterprise sign-ins only; someone known only through Google or Facebook stays out.
        if (!aliases.isEmpty() && aliases.stream().allMatch(alias -> isSocial(session, alias))) {
            return Optional.of("known only through social login");
        }
        return Optional.empty();
    }

    private static boolean isSocial(KeycloakSession session, String alias) {
        IdentityProviderModel provider = session.identityProviders().getByAlias(alias);
        return provider != null && LoginKind.of(session, provider) == LoginKind.SOCIAL;
    }
}
