package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.signin.LoginKind;
import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Queues provisioning changes for user events of realms that list {@code claromentis-provisioning} among their event
 * listeners: profile updates by users, and user creation, edits, group membership and realm role mapping by
 * administrators. Deletions are queued by {@link ProvisioningEventListenerFactory} before the user is removed, while
 * its username is still known. It only writes outbox rows in the event's transaction.
 */
final class ProvisioningEventListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(ProvisioningEventListener.class);
    private static final Set<EventType> PROFILE_EVENTS = Set.of(EventType.UPDATE_PROFILE, EventType.UPDATE_EMAIL);
    private static final Pattern USER = Pattern.compile("users/([^/]+)");
    private static final Pattern GROUP_MEMBERSHIP = Pattern.compile("users/([^/]+)/groups/[^/]+");
    private static final Pattern REALM_ROLES = Pattern.compile("users/([^/]+)/role-mappings/realm");

    private final KeycloakSession session;

    ProvisioningEventListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (PROFILE_EVENTS.contains(event.getType()) && event.getUserId() != null) {
            queue(event.getRealmId(), event.getUserId(), null);
        } else if (event.getType() == EventType.LOGIN && event.getUserId() != null) {
            signedIn(event);
        }
    }

    /** A sign-in through LDAP or an enterprise provider creates the person in Claromentis, or brings them up to date. */
    private void signedIn(Event event) {
        try {
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
            if (user == null || !isCompanyIdentity(realm, user, event.getDetails())) {
                return;
            }
            SignInProvisioning.queueIfChanged(session, realm, user);
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            throw e;
        }
    }

    private boolean isCompanyIdentity(RealmModel realm, UserModel user, Map<String, String> details) {
        String alias = details == null ? null : details.get(Details.IDENTITY_PROVIDER);
        if (alias != null) {
            IdentityProviderModel provider = session.identityProviders().getByAlias(alias);
            return provider != null && LoginKind.of(session, provider) == LoginKind.ENTERPRISE;
        }
        // A directory user (LDAP, Kerberos); Eligibility still keeps out the People API storage's own users.
        return user.getFederationLink() != null;
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        String path = event.getResourcePath();
        if (path == null) {
            return;
        }
        ResourceType resource = event.getResourceType();
        OperationType operation = event.getOperationType();
        if (resource == ResourceType.USER && (operation == OperationType.CREATE || operation == OperationType.UPDATE)) {
            Matcher m = USER.matcher(path);
            if (m.matches()) {
                queue(event.getRealmId(), m.group(1), operation == OperationType.CREATE ? ChangeType.CREATE : null);
            }
        } else if (resource == ResourceType.GROUP_MEMBERSHIP) {
            Matcher m = GROUP_MEMBERSHIP.matcher(path);
            if (m.matches()) {
                queue(event.getRealmId(), m.group(1), ChangeType.GROUPS);
            }
        } else if (resource == ResourceType.REALM_ROLE_MAPPING) {
            Matcher m = REALM_ROLES.matcher(path);
            if (m.matches()) {
                queue(event.getRealmId(), m.group(1), ChangeType.ROLES);
            }
        }
    }

    /** @param type null for "UPDATE, or DISABLE when the user is now disabled" */
    private void queue(String realmId, String userId, ChangeType type) {
        try {
            RealmModel realm = session.realms().getRealm(realmId);
            UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
            if (user == null) {
                LOG.debugf("No user %s in realm %s to queue a provisioning change for", LogSafe.of(userId), realmId);
                return;
            }
            ChangeType change = type != null ? type : user.isEnabled() ? ChangeType.UPDATE : ChangeType.DISABLE;
            ProvisioningOutbox.enqueue(session, realm, user, change, Map.of());
        } catch (RuntimeException e) {
            // Keycloak logs and ignores listener failures; the user change must not commit without its outbox row.
            session.getTransactionManager().setRollbackOnly();
            throw e;
        }
    }

    @Override
    public void close() {
        // Nothing held per session.
    }
}
