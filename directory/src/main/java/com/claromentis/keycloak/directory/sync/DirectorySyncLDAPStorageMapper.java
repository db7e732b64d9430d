package com.claromentis.keycloak.directory.sync;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.directory.DirectoryQueries;
import com.claromentis.keycloak.directory.SyncScopes;
import com.claromentis.keycloak.directory.edirectory.LoginDisabledLDAPStorageMapper;
import com.claromentis.keycloak.sync.RemovalPlan;
import com.claromentis.keycloak.sync.RemovalPlan.Decision;
import com.claromentis.keycloak.sync.RemovalPlan.Known;
import com.claromentis.keycloak.sync.RemovalPlan.Lookup;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.PrivilegeGuard;
import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.LDAPConstants;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.cache.UserCache;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.UserStorageUtil;
import org.keycloak.storage.ldap.LDAPConfig;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.LDAPUtils;
import org.keycloak.storage.ldap.idm.model.LDAPDn;
import org.keycloak.storage.ldap.idm.model.LDAPObject;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQuery;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQueryConditionsBuilder;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;
import org.keycloak.storage.ldap.mappers.LDAPStorageMapper;
import org.keycloak.storage.ldap.mappers.msad.UserAccountControl;
import org.keycloak.storage.user.SynchronizationResult;

import javax.naming.directory.SearchControls;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What makes Keycloak's LDAP sync a Claromentis directory sync: every user a sync (or a sign-in) imports or updates
 * is handed to the provisioning outbox in the same transaction; a changed-users sync also follows the groups whose
 * membership changed since the last sync, as adding someone to a group does not touch their own entry in Active
 * Directory; and a full sync disables (or, once Claromentis has been told, deletes) the users who left the directory.
 */
final class DirectorySyncLDAPStorageMapper extends AbstractLDAPStorageMapper {

    private static final Logger LOG = Logger.getLogger(DirectorySyncLDAPStorageMapper.class);
    static final String GROUP_MAPPER = "group-ldap-mapper";
    /** Keycloak's own database user provider, below the user cache and the user storage manager. */
    private static final String JPA_USER_PROVIDER = "jpa";
    /** Keycloak's and our mappers that own a user's enabled state: with one of them, they decide when someone is back. */
    private static final Set<String> ENABLED_STATE_MAPPERS = Set.of("msad-user-account-control-mapper",
            "msad-lds-user-account-control-mapper", "claromentis-login-disabled-mapper");

    private final DirectorySyncSettings settings;
    private final SyncReports reports;
    private final SyncReports.Refusals refusals;
    /** Marks the thread a sync of the provider runs on, so its imports are queued as a bulk import. */
    private final SyncScopes<Boolean> syncs;
    /** The warnings of the sync that is running, for its report. */
    private final List<String> warnings = new ArrayList<>();

    DirectorySyncLDAPStorageMapper(ComponentModel mapperModel, LDAPStorageProvider ldapProvider, SyncReports reports,
                                   SyncScopes<Boolean> syncs) {
        super(mapperModel, ldapProvider);
        this.settings = DirectorySyncSettings.of(mapperModel);
        this.reports = reports;
        this.syncs = syncs;
        this.refusals = reports.refusals();
    }

    @Override
    public void onImportUserFromLDAP(LDAPObject ldapUser, UserModel user, RealmModel realm, boolean isCreate) {
        recordMembership(realm, user, ldapUser);
        if (user.getFirstAttribute(ClaromentisProfile.DIRECTORY_REMOVED) != null) {
            user.removeAttribute(ClaromentisProfile.DIRECTORY_REMOVED);
            if (!hasEnabledStateMapper(realm)) {
                user.setEnabled(true);
            }
            LOG.infof("LDAP provider '%s': '%s' is back in the directory", providerName(), LogSafe.of(user.getUsername()));
        }
        ProvisionAfterImport.add(getSession(), realm, user, inSync());
    }

    /**
     * A user whose directory entry, as just read, says the account is disabled (AD {@code userAccountControl} bit 2,
     * eDirectory {@code loginDisabled}) is disabled now, not at the next sync: a Kerberos ticket the user obtained
     * before an administrator disabled them stays valid for hours, and no LDAP bind checks it.
     */
    @Override
    public UserModel proxy(LDAPObject ldapUser, UserModel delegate, RealmModel realm) {
        if (!disabledInDirectory(ldapUser)) {
            return delegate;
        }
        return new org.keycloak.models.utils.UserModelDelegate(delegate) {
            @Override
            public boolean isEnabled() {
                return false;
            }
        };
    }

    /** Whether the entry carries a vendor's disabled flag that is set; an entry without one is not judged here. */
    static boolean disabledInDirectory(LDAPObject entry) {
        String uac = entry.getAttributeAsString(LDAPConstants.USER_ACCOUNT_CONTROL);
        if (uac != null) {
            try {
                return UserAccountControl.of(uac.trim()).has(UserAccountControl.ACCOUNTDISABLE);
            } catch (NumberFormatException e) {
                // Not a number: the sync's own mappers report it; a sign-in is not refused for it.
                return false;
            }
        }
        String loginDisabled = entry.getAttributeAsString(LoginDisabledLDAPStorageMapper.ATTRIBUTE);
        return loginDisabled != null && !LoginDisabledLDAPStorageMapper.enabled(loginDisabled);
    }

    @Override
    public void onRegisterUserToLDAP(LDAPObject ldapUser, UserModel localUser, RealmModel realm) {
        // Nothing is written to the directory: the mapper only reads.
    }

    @Override
    public void beforeLDAPQuery(LDAPQuery query) {
        query.addReturningLdapAttribute(settings.membershipAttribute());
        query.addReturningReadOnlyLdapAttribute(settings.membershipAttribute());
    }

    @Override
    public SynchronizationResult syncDataFromFederationProviderToKeycloak(RealmModel realm) {
        SyncKind kind = SyncKind.current();
        if (kind != SyncKind.MAPPER_ACTION) {
            syncs.begin(ldapProvider.getModel().getId());
        }
        SynchronizationResult result = new SynchronizationResult();
        warnings.clear();
        refusals.reset(ldapProvider.getModel().getId());
        withdrawAdministration(realm);
        withdrawAdministrationFromRoles(realm);
        if (kind == SyncKind.CHANGED) {
            followChangedGroups(realm, result);
        } else if (settings.removal() != DirectorySyncSettings.Removal.KEEP) {
            // A full sync, or the mapper's own sync action in the admin console.
            removeThoseWhoLeft(realm, result);
        }
        reports.record(ldapProvider.getModel().getId(), new SyncReports.Report(
                kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), Time.currentTimeMillis(),
                result.getUpdated(), result.getRemoved(), result.getFailed(), List.copyOf(warnings)));
        return result;
    }

    // ---- privilege --------------------------------------------------------------------------------------------

    /**
     * Takes every role that administers Keycloak off the groups the directory fills (the group mapper's parent group
     * and everything below it), before any user is synced into them: whoever can create or join a group in the
     * directory must never become a Keycloak administrator, whatever was mapped onto the group since the preset.
     */
    private void withdrawAdministration(RealmModel realm) {
        realm.getComponentsStream(ldapProvider.getModel().getId(), LDAPStorageMapper.class.getName())
                .filter(mapper -> GROUP_MAPPER.equals(mapper.getProviderId()))
                .map(mapper -> mapper.get("groups.path"))
                .filter(path -> path != null && !path.isBlank() && !"/".equals(path.trim()))
                .distinct()
                .forEach(path -> {
                    GroupModel parent = KeycloakModelUtils.findGroupByPath(getSession(), realm, path.trim());
                    if (parent != null) {
                        withdrawAdministration(parent, new HashSet<>());
                    }
                });
    }

    /** A role this provider created (for a directory role group) never administers Keycloak either. */
    private void withdrawAdministrationFromRoles(RealmModel realm) {
        String providerId = ldapProvider.getModel().getId();
        realm.getRolesStream()
                .filter(role -> providerId.equals(role.getFirstAttribute(ClaromentisProfile.MANAGED_BY)))
                .toList()
                .forEach(role -> role.getCompositesStream().filter(PrivilegeGuard::isPrivileged).toList()
                        .forEach(composite -> {
                            role.removeCompositeRole(composite);
                            warn("LDAP provider '%s': removed role '%s' from directory role '%s': it administers "
                                    + "Keycloak, and directory roles never do", providerName(),
                                    LogSafe.of(composite.getName()), LogSafe.of(role.getName()));
                        }));
    }

    private void withdrawAdministration(GroupModel group, Set<String> seen) {
        if (!seen.add(group.getId())) {
            return;
        }
        PrivilegeGuard.withdraw(group).forEach(role -> {
            warn("LDAP provider '%s': removed role '%s' from directory group '%s': it administers Keycloak, and "
                    + "directory groups never do", providerName(), LogSafe.of(role.getName()), LogSafe.of(group.getName()));
        });
        group.getSubGroupsStream().toList().forEach(child -> withdrawAdministration(child, seen));
    }

    // ---- removal -------------------------------------------------------------------------------------------

    private void removeThoseWhoLeft(RealmModel realm, SynchronizationResult result) {
        KeycloakSession session = getSession();
        String providerId = ldapProvider.getModel().getId();
        UserProvider local = UserStoragePrivateUtil.userLocalStorage(session);
        ProvisioningQueue queue = session.getProvider(ProvisioningQueue.class);
        Map<String, UserModel> users = new LinkedHashMap<>();
        local.searchForUserStream(realm, Map.of(UserModel.INCLUDE_SERVICE_ACCOUNT, "false"))
                .filter(user -> providerId.equals(user.getFederationLink()))
                .forEach(user -> users.put(user.getId(), user));
        if (settings.removal() == DirectorySyncSettings.Removal.DELETE) {
            deleteThoseToldAlready(realm, users, local, queue, result);
        }
        List<Known> known = users.values().stream()
                .filter(user -> user.getFirstAttribute(ClaromentisProfile.DIRECTORY_REMOVED) == null)
                .map(user -> new Known(user.getId(), user.getUsername(), user.getFirstAttribute(LDAPConstants.LDAP_ID),
                        user.isEnabled()))
                .toList();
        if (known.isEmpty()) {
            return;
        }
        Set<String> listed;
        try {
            listed = listedUuids(realm);
        } catch (RuntimeException e) {
            warn("LDAP provider '%s': the directory could not list its users, so nobody is removed: %s",
                    providerName(), LogSafe.of(e.getMessage()));
            result.increaseFailed();
            return;
        }
        Decision decision = RemovalPlan.decide(listed, known, uuid -> lookup(realm, uuid), settings.maxRemovalPercent(),
                "the Claromentis directory sync mapper");
        if (decision.refusal() != null) {
            warn("LDAP provider '%s': %s", providerName(), decision.refusal());
            result.setFailed(result.getFailed() + 1);
            return;
        }
        if (decision.unconfirmed() > 0) {
            warn("LDAP provider '%s': %d users missing from the directory's listing could not be looked up; they "
                    + "are left as they are until a sync can confirm it", providerName(), decision.unconfirmed());
            result.setFailed(result.getFailed() + decision.unconfirmed());
        }
        long now = Time.currentTimeMillis();
        for (Known gone : decision.removed()) {
            UserModel user = stored(realm, gone.id());
            if (user == null) {
                continue;
            }
            user.setSingleAttribute(ClaromentisProfile.DIRECTORY_REMOVED, Long.toString(now));
            user.setEnabled(false);
            session.sessions().removeUserSessions(realm, user);
            evict(realm, user);
            if (queue != null) {
                queue.signedIn(realm, user);
            }
            result.increaseRemoved();
            LOG.infof("LDAP provider '%s': '%s' is no longer in the directory (nor matches the provider's filter); "
                    + "disabled, and deactivated in Claromentis", providerName(), LogSafe.of(gone.username()));
        }
    }

    /** Deletes the users an earlier full sync disabled as gone, once Claromentis has been told (nothing pending). */
    private void deleteThoseToldAlready(RealmModel realm, Map<String, UserModel> users, UserProvider local,
                                        ProvisioningQueue queue, SynchronizationResult result) {
        UserManager manager = new UserManager(getSession());
        for (UserModel user : List.copyOf(users.values())) {
            if (user.getFirstAttribute(ClaromentisProfile.DIRECTORY_REMOVED) == null
                    || (queue != null && queue.pending(realm, user.getId()))) {
                continue;
            }
            String username = user.getUsername();
            if (manager.removeUser(realm, user, local)) {
                users.remove(user.getId());
                result.increaseRemoved();
                LOG.infof("LDAP provider '%s': '%s', gone from the directory since an earlier sync, is deleted",
                        providerName(), LogSafe.of(username));
            }
        }
    }

    /** Every user the provider syncs, by UUID, with nothing but the UUID read; paged as the provider is. */
    private Set<String> listedUuids(RealmModel realm) {
        LDAPConfig config = ldapProvider.getLdapIdentityStore().getConfig();
        try (LDAPQuery query = DirectoryQueries.users(ldapProvider, config.getUuidLDAPAttributeName())) {
            Set<String> uuids = new HashSet<>();
            for (LDAPObject entry : LDAPUtils.loadAllLDAPObjects(query, ldapProvider)) {
                if (entry.getUuid() != null) {
                    uuids.add(entry.getUuid());
                }
            }
            return uuids;
        }
    }

    private Lookup lookup(RealmModel realm, String uuid) {
        try {
            return ldapProvider.loadLDAPUserByUuid(realm, uuid) == null
                    ? Lookup.GONE : Lookup.PRESENT;
        } catch (ModelException e) {
            LOG.debugf("LDAP provider '%s': the search for entry %s failed: %s", providerName(), LogSafe.of(uuid),
                    LogSafe.of(e.getMessage()));
            return Lookup.UNANSWERED;
        }
    }

    // ---- changed groups ------------------------------------------------------------------------------------

    /**
     * Finds the directory groups modified since the last sync and refreshes the memberships of their members, and
     * of the Keycloak users who were in them before, so a membership change reaches Claromentis without waiting for
     * a full sync.
     */
    private void followChangedGroups(RealmModel realm, SynchronizationResult result) {
        int lastSync = ldapProvider.getModel().getLastSync();
        ComponentModel groupMapper = realm.getComponentsStream(ldapProvider.getModel().getId(),
                        LDAPStorageMapper.class.getName())
                .filter(mapper -> GROUP_MAPPER.equals(mapper.getProviderId()))
                .findFirst().orElse(null);
        List<String> bases = new ArrayList<>();
        if (groupMapper != null && groupMapper.get("groups.dn") != null) {
            bases.add(groupMapper.get("groups.dn"));
        }
        String groupsBase = bases.isEmpty() ? null : DirectoryGroups.normalize(bases.get(0));
        if (settings.rolesDn() != null && (groupsBase == null || !isWithin(settings.rolesDn(), groupsBase))) {
            bases.add(settings.rolesDn());
        }
        if (lastSync <= 0 || bases.isEmpty()) {
            return;
        }
        String memberAttribute = groupMapper == null ? "member" : groupMapper.get("membership.ldap.attribute", "member");
        String classes = groupMapper == null ? null : groupMapper.get("group.object.classes", "groupOfNames");
        List<LDAPObject> changed = new ArrayList<>();
        for (String base : bases) {
            try (LDAPQuery query = new LDAPQuery(ldapProvider)) {
                query.setSearchDn(base);
                query.setSearchScope(SearchControls.SUBTREE_SCOPE);
                if (classes != null) {
                    query.addObjectClasses(List.of(classes.trim().split("\\s*,\\s*")));
                }
                query.addWhereCondition(new LDAPQueryConditionsBuilder().greaterThanOrEqualTo(
                        LDAPConstants.MODIFY_TIMESTAMP, new Date(lastSync * 1000L)));
                query.addReturningLdapAttribute(memberAttribute);
                changed.addAll(LDAPUtils.loadAllLDAPObjects(query, ldapProvider));
            } catch (ModelException e) {
                warn("LDAP provider '%s': the groups changed since the last sync could not be read; their members are "
                        + "brought in step by the next full sync: %s", providerName(), LogSafe.of(e.getMessage()));
                result.increaseFailed();
                return;
            }
        }
        KeycloakSession session = getSession();
        UserProvider local = UserStoragePrivateUtil.userLocalStorage(session);
        String providerId = ldapProvider.getModel().getId();
        Map<String, UserModel> touched = new LinkedHashMap<>();
        for (LDAPObject group : changed) {
            String groupDn = DirectoryGroups.normalize(group.getDn().toString());
            if (groupDn == null) {
                continue;
            }
            // Only the difference is read again: members the group gained, and Keycloak users recorded in it who
            // are no longer members. A 5,000-member group where one person changed costs one read, not 5,000.
            Map<String, String> members = new LinkedHashMap<>();
            for (String memberDn : group.getAttributeAsSet(memberAttribute)) {
                String normalized = DirectoryGroups.normalize(memberDn);
                if (normalized != null) {
                    members.put(normalized, memberDn);
                }
            }
            List<UserModel> recorded = local.searchForUserByUserAttributeStream(realm, ClaromentisProfile.DIRECTORY_GROUPS, groupDn)
                    .filter(user -> providerId.equals(user.getFederationLink()))
                    .toList();
            Set<String> recordedDns = new HashSet<>();
            for (UserModel user : recorded) {
                String dn = DirectoryGroups.normalize(user.getFirstAttribute(LDAPConstants.LDAP_ENTRY_DN));
                if (dn != null && members.containsKey(dn)) {
                    recordedDns.add(dn);
                } else if (!touched.containsKey(user.getId())) {
                    refreshByUuid(realm, user, touched, result);
                }
            }
            members.forEach((normalized, memberDn) -> {
                if (!recordedDns.contains(normalized)) {
                    refreshByDn(realm, local, providerId, memberDn, touched, result);
                }
            });
        }
        if (!touched.isEmpty()) {
            LOG.infof("LDAP provider '%s': %d groups changed since the last sync; the memberships of %d users were read again",
                    providerName(), changed.size(), touched.size());
        }
    }

    private void refreshByDn(RealmModel realm, UserProvider local, String providerId, String memberDn,
                             Map<String, UserModel> touched, SynchronizationResult result) {
        LDAPObject entry;
        try {
            entry = ldapProvider.loadLDAPUserByDN(realm, LDAPDn.fromString(memberDn));
        } catch (RuntimeException e) {
            // A nested group, or a member outside the users DN: not a user of this provider.
            return;
        }
        if (entry == null || entry.getUuid() == null) {
            return;
        }
        UserModel user = local.searchForUserByUserAttributeStream(realm, LDAPConstants.LDAP_ID, entry.getUuid())
                .filter(candidate -> providerId.equals(candidate.getFederationLink()))
                .findFirst().orElse(null);
        if (user != null && touched.putIfAbsent(user.getId(), user) == null) {
            apply(realm, user, entry, result);
        }
    }

    private void refreshByUuid(RealmModel realm, UserModel user, Map<String, UserModel> touched,
                               SynchronizationResult result) {
        touched.put(user.getId(), user);
        String uuid = user.getFirstAttribute(LDAPConstants.LDAP_ID);
        LDAPObject entry;
        try {
            entry = uuid == null ? null : ldapProvider.loadLDAPUserByUuid(realm, uuid);
        } catch (ModelException e) {
            result.increaseFailed();
            return;
        }
        if (entry != null) {
            apply(realm, user, entry, result);
        }
    }

    private void apply(RealmModel realm, UserModel user, LDAPObject entry, SynchronizationResult result) {
        if (recordMembership(realm, user, entry)) {
            evict(realm, user);
            result.increaseUpdated();
            ProvisionAfterImport.add(getSession(), realm, user, inSync());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Whether this thread runs a sync of the provider (rather than a sign-in or an administrator's lookup). */
    private boolean inSync() {
        return syncs.current(ldapProvider.getModel().getId()) != null;
    }

    /** Whether normalised DN {@code dn} is {@code base} or below it. */
    private static boolean isWithin(String dn, String base) {
        return dn.equals(base) || dn.endsWith("," + base);
    }

    /** Records the user's directory groups and applies their directory roles; whether anything changed. */
    private boolean recordMembership(RealmModel realm, UserModel user, LDAPObject entry) {
        Set<String> values = entry.getAttributeAsSet(settings.membershipAttribute());
        boolean changed = DirectoryGroups.record(user, DirectoryGroups.of(values));
        if (settings.rolesDn() != null) {
            changed |= DirectoryRoles.apply(realm, user, ldapProvider.getModel().getId(),
                    DirectoryRoles.names(settings.rolesDn(), values), (role, reason) -> {
                        if (refusals.firstTime(ldapProvider.getModel().getId(), role)) {
                            LOG.warnf("LDAP provider '%s': the directory role '%s' grants nothing: %s",
                                    providerName(), LogSafe.of(role), reason);
                        }
                    });
        }
        return changed;
    }

    /**
     * The imported copy as Keycloak's database holds it. Past the user cache, Keycloak hands out a user whose
     * directory entry is gone wrapped read-only (and shown as disabled), and it is exactly that copy a removal writes.
     */
    private UserModel stored(RealmModel realm, String id) {
        UserProvider database = getSession().getProvider(UserProvider.class, JPA_USER_PROVIDER);
        return (database != null ? database : UserStoragePrivateUtil.userLocalStorage(getSession())).getUserById(realm, id);
    }

    private boolean hasEnabledStateMapper(RealmModel realm) {
        return realm.getComponentsStream(ldapProvider.getModel().getId(), LDAPStorageMapper.class.getName())
                .anyMatch(mapper -> ENABLED_STATE_MAPPERS.contains(mapper.getProviderId()));
    }

    private void evict(RealmModel realm, UserModel user) {
        UserCache cache = UserStorageUtil.userCache(getSession());
        if (cache != null) {
            cache.evict(realm, user);
        }
    }

    /** Logs a warning and keeps it for the sync's report. */
    private void warn(String format, Object... parameters) {
        String message = String.format(java.util.Locale.ROOT, format, parameters);
        LOG.warn(message);
        if (warnings.size() < SyncReports.MAX_WARNINGS) {
            warnings.add(message);
        }
    }

    private String providerName() {
        return LogSafe.of(ldapProvider.getModel().getName());
    }
}
