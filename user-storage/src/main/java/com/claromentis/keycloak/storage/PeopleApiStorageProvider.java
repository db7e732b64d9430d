package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.Page;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.UserQuery;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.ImportedUserValidation;
import org.keycloak.storage.user.UserLookupProvider;
import org.keycloak.storage.user.UserQueryMethodsProvider;
import org.keycloak.storage.user.UserRegistrationProvider;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Users an HR system (or anyone) created in Claromentis through the People API, imported into Keycloak.
 *
 * <p>Users are imported like LDAP users: Keycloak keeps a copy linked to this component, finds it locally, and
 * asks this provider to {@link #validate} it. A copy checked less than the configured freshness ago is used as it
 * is, so repeated sign-ins make no People API call.
 */
public final class PeopleApiStorageProvider implements UserStorageProvider, UserLookupProvider, UserQueryMethodsProvider,
        UserRegistrationProvider, ImportedUserValidation {

    /** Message key of the page a user sees when Claromentis cannot be reached during their sign-in. */
    public static final String UNAVAILABLE_MESSAGE = "claromentisPeopleApiUnavailable";

    private static final Logger LOG = Logger.getLogger(PeopleApiStorageProvider.class);

    private final KeycloakSession session;
    private final UserStorageProviderModel model;
    private final PeopleApiStorageConfig config;
    private final PeopleApiStorageProviderFactory factory;
    private final WriteBack writeBack;

    PeopleApiStorageProvider(KeycloakSession session, UserStorageProviderModel model, PeopleApiStorageProviderFactory factory) {
        this.session = session;
        this.model = model;
        this.config = new PeopleApiStorageConfig(model);
        this.factory = factory;
        this.writeBack = new WriteBack(session, config.writeBack(), this::client);
    }

    @Override
    public UserModel getUserById(RealmModel realm, String id) {
        // Every user of this provider is imported, so Keycloak finds it by id in its own store.
        return null;
    }

    @Override
    public UserModel getUserByUsername(RealmModel realm, String username) {
        if (username == null || username.isBlank()) {
            return null;
        }
        try {
            return client().findUserByUsername(username)
                    .map(found -> importUser(realm, details(found)))
                    .orElse(null);
        } catch (PeopleApiException e) {
            return unavailable(e, "look up '" + username + "'", null);
        }
    }

    @Override
    public UserModel getUserByEmail(RealmModel realm, String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        try {
            List<ClaromentisUser> found = client().findUsersByEmail(email);
            if (found.size() > 1) {
                LOG.warnf("Provider '%s': %d Claromentis users share the email address of a sign-in; none is used",
                        model.getName(), found.size());
                return null;
            }
            return found.isEmpty() ? null : importUser(realm, details(found.get(0)));
        } catch (PeopleApiException e) {
            return unavailable(e, "look up a user by email", null);
        }
    }

    @Override
    public Stream<UserModel> searchForUserStream(RealmModel realm, Map<String, String> params, Integer first, Integer max) {
        String term = params.getOrDefault(UserModel.SEARCH, params.get(UserModel.USERNAME));
        if (term == null && params.containsKey(UserModel.EMAIL)) {
            term = params.get(UserModel.EMAIL);
        }
        int offset = first == null || first < 0 ? 0 : first;
        int limit = max == null || max < 0 ? UserQuery.DEFAULT_LIMIT : Math.min(max, UserQuery.MAX_LIMIT);
        if (limit == 0) {
            return Stream.empty();
        }
        try {
            String cleaned = term == null ? null : term.replace("*", "").trim();
            Page<ClaromentisUser> page = cleaned == null || cleaned.isEmpty()
                    ? client().listUsers(UserQuery.all().withOffset(offset).withLimit(limit))
                    : client().searchUsers(cleaned, offset, limit);
            // Users already imported are listed by Keycloak's own store; return only the ones it does not know yet.
            return page.items().stream()
                    .filter(user -> local(realm, user.username()) == null)
                    .map(user -> importUser(realm, details(user)))
                    .filter(Objects::nonNull);
        } catch (PeopleApiException e) {
            LOG.warnf("Provider '%s': the admin search could not ask Claromentis (%s); showing imported users only",
                    model.getName(), e.getMessage());
            return Stream.empty();
        }
    }

    @Override
    public Stream<UserModel> getGroupMembersStream(RealmModel realm, GroupModel group, Integer first, Integer max) {
        return Stream.empty();
    }

    @Override
    public Stream<UserModel> searchForUserByUserAttributeStream(RealmModel realm, String name, String value) {
        return Stream.empty();
    }

    @Override
    public UserModel addUser(RealmModel realm, String username) {
        if (!writeBack.enabled()) {
            // Returning null lets Keycloak create an ordinary local user, unrelated to Claromentis.
            return null;
        }
        UserModel local = UserStoragePrivateUtil.userLocalStorage(session).addUser(realm, username);
        local.setFederationLink(model.getId());
        writeBack.created(local);
        return new ClaromentisUserAdapter(local, writeBack, model.getName());
    }

    @Override
    public boolean removeUser(RealmModel realm, UserModel user) {
        if (writeBack.enabled()) {
            writeBack.deleted(user);
        }
        factory.freshness().forget(model.getId(), user.getId());
        return true;
    }

    @Override
    public UserModel validate(RealmModel realm, UserModel local) {
        if (factory.freshness().isFresh(model.getId(), local.getId(), config.freshness())) {
            return adapt(local);
        }
        Long id = ClaromentisUserMapper.claromentisId(local);
        try {
            Optional<ClaromentisUser> remote = id != null
                    ? client().getUserWithDetails(id)
                    : client().findUserByUsername(local.getUsername()).map(this::details);
            if (remote.isEmpty() || !remote.get().username().equalsIgnoreCase(local.getUsername())) {
                return gone(realm, local);
            }
            ClaromentisUserMapper.apply(remote.get(), local);
            MembershipMapper memberships = memberships(realm);
            if (config.syncGroups()) {
                memberships.syncGroups(local, remote.get().groups(), false);
            }
            if (config.syncRoles()) {
                memberships.syncRoles(local, remote.get().roles(), false);
            }
            factory.freshness().touch(model.getId(), local.getId());
            return adapt(local);
        } catch (PeopleApiException e) {
            return unavailable(e, "refresh '" + local.getUsername() + "'", adapt(local));
        }
    }

    @Override
    public void close() {
        // The HTTP client is shared by every session and owned by the factory.
    }

    PeopleApiClient client() {
        return factory.client(session, model);
    }

    private UserModel gone(RealmModel realm, UserModel local) {
        factory.freshness().forget(model.getId(), local.getId());
        if (config.deletedUsers() == PeopleApiStorageConfig.DeletedUsers.DISABLE) {
            LOG.infof("Provider '%s': '%s' no longer exists in Claromentis; disabled", model.getName(), local.getUsername());
            local.setEnabled(false);
            return adapt(local);
        }
        LOG.infof("Provider '%s': '%s' no longer exists in Claromentis; removed", model.getName(), local.getUsername());
        return null;
    }

    /**
     * A People API failure during a user lookup: a sign-in that may not use the imported copy is stopped; elsewhere
     * (admin console, sync) the imported copy is used and the failure is logged. For a user Keycloak never saw the
     * exception reaches the login flow, which shows {@link #UNAVAILABLE_MESSAGE}; from {@link #validate} Keycloak 26.7
     * catches it and hands the flow a disabled "storage unavailable" copy instead, so the user is refused either way.
     */
    private UserModel unavailable(PeopleApiException e, String what, UserModel fallback) {
        boolean signIn = session.getContext().getAuthenticationSession() != null;
        LOG.warnf("Provider '%s' could not %s in Claromentis: %s", model.getName(), what, e.getMessage());
        if (signIn && (fallback == null || config.whenUnavailable() == PeopleApiStorageConfig.WhenUnavailable.REFUSE)) {
            throw new AuthenticationFlowException(AuthenticationFlowError.GENERIC_AUTHENTICATION_ERROR,
                    "people_api_unavailable", UNAVAILABLE_MESSAGE);
        }
        return fallback;
    }

    private ClaromentisUser details(ClaromentisUser user) {
        return client().withDetails(user);
    }

    private UserModel importUser(RealmModel realm, ClaromentisUser user) {
        UserModel existing = local(realm, user.username());
        if (existing != null) {
            if (!model.getId().equals(existing.getFederationLink())) {
                LOG.warnf("Provider '%s': Keycloak already has a user '%s' that it does not manage; not importing",
                        model.getName(), user.username());
                return null;
            }
            return validate(realm, existing);
        }
        UserModel imported = UserStoragePrivateUtil.userLocalStorage(session).addUser(realm, user.username());
        imported.setFederationLink(model.getId());
        ClaromentisUserMapper.apply(user, imported);
        MembershipMapper memberships = memberships(realm);
        if (config.syncGroups()) {
            memberships.syncGroups(imported, user.groups(), true);
        }
        if (config.syncRoles()) {
            memberships.syncRoles(imported, user.roles(), true);
        }
        factory.freshness().touch(model.getId(), imported.getId());
        LOG.debugf("Provider '%s': imported '%s'", model.getName(), user.username());
        return adapt(imported);
    }

    private UserModel local(RealmModel realm, String username) {
        return UserStoragePrivateUtil.userLocalStorage(session).getUserByUsername(realm, username);
    }

    private MembershipMapper memberships(RealmModel realm) {
        return new MembershipMapper(session, realm, model.getId());
    }

    private UserModel adapt(UserModel local) {
        return new ClaromentisUserAdapter(local, writeBack, model.getName());
    }
}
