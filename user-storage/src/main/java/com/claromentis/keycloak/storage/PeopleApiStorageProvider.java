package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.Page;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.UserQuery;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.signin.RefusalPage;
import com.claromentis.keycloak.signin.SignInRefusal;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.services.ErrorResponseException;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        this.writeBack = new WriteBack(session, model, config.writeBack());
    }

    @Override
    public UserModel getUserById(RealmModel realm, String id) {
        // Every user of this provider is imported, so Keycloak finds it by id in its own store.
        return null;
    }

    @Override
    public UserModel getUserByUsername(RealmModel realm, String username) {
        if (username == null || username.isBlank() || LogSafe.hasControlCharacters(username)) {
            return null;
        }
        try {
            // findUserByUsername compares exactly (ignoring case): the server's filter is only a pre-filter.
            return client().findUserByUsername(username)
                    .map(found -> importUser(realm, details(found)))
                    .orElse(null);
        } catch (PeopleApiException e) {
            return unavailable(e, "look up '" + LogSafe.of(username) + "'", null);
        }
    }

    @Override
    public UserModel getUserByEmail(RealmModel realm, String email) {
        if (email == null || email.isBlank() || LogSafe.hasControlCharacters(email)) {
            return null;
        }
        try {
            List<ClaromentisUser> found = client().findUsersByEmail(email);
            if (found.size() > 1) {
                LOG.warnf("Provider '%s': %d Claromentis users share the email address of a sign-in; none is used",
                        LogSafe.of(model.getName()), found.size());
                return null;
            }
            return found.isEmpty() ? null : importUser(realm, details(found.get(0)));
        } catch (PeopleApiException e) {
            return unavailable(e, "look up a user by email", null);
        }
    }

    /**
     * The admin console's listing and search. The answer is built completely here, inside the try, so that neither a
     * People API failure nor a person who cannot be imported can surface while Keycloak is already writing the
     * JSON answer (which would cut it short); such a person is left out with one warning.
     */
    @Override
    public Stream<UserModel> searchForUserStream(RealmModel realm, Map<String, String> params, Integer first, Integer max) {
        int offset = first == null || first < 0 ? 0 : first;
        int limit = max == null || max < 0 ? UserQuery.DEFAULT_LIMIT : Math.min(max, UserQuery.MAX_LIMIT);
        if (limit == 0) {
            return Stream.empty();
        }
        boolean exact = Boolean.parseBoolean(params.get(UserModel.EXACT));
        try {
            List<ClaromentisUser> candidates;
            if (exact && params.containsKey(UserModel.USERNAME)) {
                String username = params.get(UserModel.USERNAME);
                candidates = username == null || username.isBlank() ? List.of()
                        : client().findUserByUsername(username).stream().toList();
            } else if (exact && params.containsKey(UserModel.EMAIL)) {
                String email = params.get(UserModel.EMAIL);
                candidates = email == null || email.isBlank() ? List.of() : client().findUsersByEmail(email);
            } else {
                String term = params.getOrDefault(UserModel.SEARCH, params.get(UserModel.USERNAME));
                if (term == null && params.containsKey(UserModel.EMAIL)) {
                    term = params.get(UserModel.EMAIL);
                }
                String cleaned = term == null ? null : term.replace("*", "").trim();
                Page<ClaromentisUser> page = cleaned == null || cleaned.isEmpty()
                        ? client().listUsers(UserQuery.all().withOffset(offset).withLimit(limit))
                        : client().searchUsers(cleaned, offset, limit);
                candidates = page.items();
            }
            List<UserModel> imported = new ArrayList<>();
            for (ClaromentisUser user : candidates) {
                // Users already imported are listed by Keycloak's own store; return only the ones it does not know yet.
                if (local(realm, user.username()) == null) {
                    UserModel added = importUser(realm, details(user));
                    if (added != null) {
                        imported.add(added);
                    }
                }
            }
            return imported.stream();
        } catch (PeopleApiException e) {
            LOG.warnf("Provider '%s': the admin search could not ask Claromentis (%s); showing imported users only",
                    LogSafe.of(model.getName()), LogSafe.of(e.getMessage()));
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
            // Followed by Claromentis id: a person renamed there is the same person, renamed here in place.
            Optional<ClaromentisUser> remote = id != null
                    ? client().getUserWithDetails(id)
                    : client().findUserByUsername(local.getUsername()).map(this::details);
            if (remote.isEmpty()) {
                return gone(realm, local);
            }
            UserImport.Outcome outcome = importer(realm).apply(remote.get(), local);
            if (outcome.kind() == UserImport.Kind.SKIPPED) {
                LOG.warnf("Provider '%s': %s; the imported copy is kept as it is", LogSafe.of(model.getName()), outcome.reason());
                return adapt(local);
            }
            factory.freshness().touch(model.getId(), local.getId());
            return adapt(local);
        } catch (PeopleApiException e) {
            return unavailable(e, "refresh '" + LogSafe.of(local.getUsername()) + "'", adapt(local));
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
            LOG.infof("Provider '%s': '%s' no longer exists in Claromentis; disabled", LogSafe.of(model.getName()),
                    LogSafe.of(local.getUsername()));
            local.setEnabled(false);
            return adapt(local);
        }
        LOG.infof("Provider '%s': '%s' no longer exists in Claromentis; removed", LogSafe.of(model.getName()),
                LogSafe.of(local.getUsername()));
        return null;
    }

    /**
     * A People API failure during a user lookup: a sign-in that may not use the imported copy is stopped; elsewhere
     * (admin console, sync) the imported copy is used and the failure is logged. A sign-in on a page (browser flow)
     * gets the refusal page of {@link SignInRefusal#CLAROMENTIS_UNAVAILABLE} (503); one on the token endpoint (password grant, token exchange), where Keycloak
     * does not turn a flow exception into an answer, gets an OAuth error: 503 {@code temporarily_unavailable}. From
     * {@link #validate} Keycloak 26.7 catches the exception and hands the flow a disabled "storage unavailable" copy
     * instead, so the user is refused either way.
     */
    private UserModel unavailable(PeopleApiException e, String what, UserModel fallback) {
        boolean signIn = session.getContext().getAuthenticationSession() != null || onTokenEndpoint();
        LOG.warnf("Provider '%s' could not %s in Claromentis: %s", LogSafe.of(model.getName()), what, LogSafe.of(e.getMessage()));
        if (signIn && (fallback == null || config.whenUnavailable() == PeopleApiStorageConfig.WhenUnavailable.REFUSE)) {
            if (onTokenEndpoint()) {
                throw new ErrorResponseException(OAuthErrorException.TEMPORARILY_UNAVAILABLE,
                        "Claromentis is not reachable right now; try again later", Response.Status.SERVICE_UNAVAILABLE);
            }
            // No flow event reaches a storage provider: the reference is in the log line, and the page shows it.
            String reference = RefusalPage.report(SignInRefusal.CLAROMENTIS_UNAVAILABLE, null,
                    "provider '" + LogSafe.of(model.getName()) + "' could not " + what + " in Claromentis");
            throw new AuthenticationFlowException(AuthenticationFlowError.GENERIC_AUTHENTICATION_ERROR,
                    RefusalPage.render(session, SignInRefusal.CLAROMENTIS_UNAVAILABLE, reference, null));
        }
        return fallback;
    }

    private boolean onTokenEndpoint() {
        var uri = session.getContext().getUri();
        if (uri == null) {
            return false;
        }
        String path = uri.getPath();
        return path != null && path.endsWith("/protocol/openid-connect/token");
    }

    private ClaromentisUser details(ClaromentisUser user) {
        return client().withDetails(user);
    }

    private UserModel importUser(RealmModel realm, ClaromentisUser user) {
        UserModel existing = local(realm, user.username());
        if (existing != null && model.getId().equals(existing.getFederationLink())) {
            return validate(realm, existing);
        }
        UserImport.Outcome outcome = importer(realm).apply(user, null);
        if (outcome.kind() == UserImport.Kind.SKIPPED) {
            LOG.warnf("Provider '%s': %s", LogSafe.of(model.getName()), outcome.reason());
            return null;
        }
        factory.freshness().touch(model.getId(), outcome.user().getId());
        LOG.debugf("Provider '%s': imported '%s'", LogSafe.of(model.getName()), LogSafe.of(user.username()));
        return adapt(outcome.user());
    }

    private UserModel local(RealmModel realm, String username) {
        return UserStoragePrivateUtil.userLocalStorage(session).getUserByUsername(realm, username);
    }

    private UserImport importer(RealmModel realm) {
        return new UserImport(session, realm, model.getId(), model.getName(), config, new SyncReport());
    }

    private UserModel adapt(UserModel local) {
        return new ClaromentisUserAdapter(local, writeBack, model.getName());
    }
}
