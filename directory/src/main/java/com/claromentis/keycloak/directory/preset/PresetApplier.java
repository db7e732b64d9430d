package com.claromentis.keycloak.directory.preset;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.PrivilegeGuard;
import org.jboss.logging.Logger;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.ldap.mappers.LDAPStorageMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Puts a {@link VendorPreset} on one of Keycloak's own LDAP providers, or says what it would change. Idempotent: a
 * value already as the preset wants is not written, so applying twice changes nothing the second time. Existing
 * mappers are updated in place (an attribute mapper is "the same" when it fills the same Keycloak attribute), so an
 * administrator's own mappers and settings the preset does not own are left alone.
 */
final class PresetApplier {

    static final String LDAP_PROVIDER_ID = "ldap";
    private static final Logger LOG = Logger.getLogger(PresetApplier.class);
    private static final String MAPPER_TYPE = LDAPStorageMapper.class.getName();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ComponentModel provider;

    private PresetApplier(KeycloakSession session, RealmModel realm, ComponentModel provider) {
        this.session = session;
        this.realm = realm;
        this.provider = provider;
    }

    /** The realm's LDAP provider {@code componentId}, or empty when the realm has no such LDAP provider. */
    static Optional<PresetApplier> forProvider(KeycloakSession session, RealmModel realm, String componentId) {
        ComponentModel component = componentId == null ? null : realm.getComponent(componentId);
        if (component == null || !realm.getId().equals(component.getParentId())
                || !UserStorageProvider.class.getName().equals(component.getProviderType())
                || !LDAP_PROVIDER_ID.equals(component.getProviderId())) {
            return Optional.empty();
        }
        return Optional.of(new PresetApplier(session, realm, component));
    }

    /** The Keycloak group the provider's directory groups land under: a top-level group named after the provider. */
    String groupsPath() {
        return "/" + parentGroupName();
    }

    private String parentGroupName() {
        String name = provider.getName() == null || provider.getName().isBlank() ? provider.getId() : provider.getName();
        // A slash would make the name a path of several groups.
        return name.replace('/', '-').trim();
    }

    /** Applies {@code request} (or, when {@code apply} is false, says what it would change). */
    Map<String, Object> run(PresetRequest request, boolean apply) {
        Vendor vendor = request.vendor();
        List<String> syncGroups = request.syncGroups();
        VendorPreset preset = VendorPreset.of(vendor, isWritable(), groupsDn(request.groupsDn()), groupsPath(),
                request.rolesDn());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vendor", vendor.pathName());
        out.put("applied", apply);
        out.put("groupsPath", groupsPath());

        Map<String, String> providerConfig = new LinkedHashMap<>(preset.providerConfig());
        if (!syncGroups.isEmpty()) {
            providerConfig.put("customUserSearchFilter", VendorPreset.syncGroupsFilter(vendor, syncGroups));
        }
        request.kerberos().ifPresent(kerberos -> providerConfig.putAll(kerberos.providerConfig()));
        Map<String, String> providerChanges = changes(provider.getConfig(), providerConfig);
        out.put("provider", Map.of("config", providerConfig, "action", action(providerChanges.isEmpty(), false)));

        List<ComponentModel> existing = realm.getComponentsStream(provider.getId(), MAPPER_TYPE).toList();
        List<Map<String, Object>> mappers = new ArrayList<>();
        List<Runnable> writes = new ArrayList<>();
        for (MapperSpec spec : preset.mappers()) {
            Optional<ComponentModel> found = existing.stream().filter(m -> matches(m, spec)).findFirst();
            Map<String, String> wanted = new LinkedHashMap<>(spec.owned());
            if (found.isEmpty()) {
                spec.defaults().forEach(wanted::putIfAbsent);
            }
            Map<String, String> delta = found.map(m -> changes(m.getConfig(), wanted)).orElse(wanted);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", found.map(ComponentModel::getName).orElse(spec.name()));
            row.put("providerId", spec.providerId());
            row.put("action", action(delta.isEmpty(), found.isEmpty()));
            row.put("config", wanted);
            mappers.add(row);
            if (found.isEmpty()) {
                writes.add(() -> create(spec, wanted));
            } else if (!delta.isEmpty()) {
                writes.add(() -> update(found.get(), delta));
            }
        }
        out.put("mappers", mappers);
        if (apply) {
            ensureParentGroup();
            ClaromentisProfile.declare(session);
            if (!providerChanges.isEmpty()) {
                providerChanges.forEach(provider.getConfig()::putSingle);
                realm.updateComponent(provider);
            }
            writes.forEach(Runnable::run);
            LOG.infof("Applied the %s preset to LDAP provider '%s' of realm %s: %d mapper change(s)%s", vendor.pathName(),
                    LogSafe.of(provider.getName()), realm.getName(), writes.size(),
                    providerChanges.isEmpty() ? "" : " and provider settings " + providerChanges.keySet());
        }
        return out;
    }

    private boolean isWritable() {
        return UserStorageProvider.EditMode.WRITABLE.name().equals(provider.getConfig().getFirst("editMode"));
    }

    private String groupsDn(String parameter) {
        if (parameter != null && !parameter.isBlank()) {
            return parameter.trim();
        }
        return realm.getComponentsStream(provider.getId(), MAPPER_TYPE)
                .filter(m -> VendorPreset.GROUP_MAPPER.equals(m.getProviderId())
                        && VendorPreset.GROUPS_MAPPER_NAME.equals(m.getName()))
                .map(m -> m.getConfig().getFirst("groups.dn")).filter(Objects::nonNull).findFirst()
                .orElse(provider.getConfig().getFirst("usersDn"));
    }

    private static boolean matches(ComponentModel mapper, MapperSpec spec) {
        if (!spec.providerId().equals(mapper.getProviderId())) {
            return false;
        }
        if (spec.matchKey() == null) {
            return VendorPreset.GROUP_MAPPER.equals(spec.providerId()) ? spec.name().equals(mapper.getName()) : true;
        }
        String value = mapper.getConfig().getFirst(spec.matchKey());
        return value != null && value.equalsIgnoreCase(spec.owned().get(spec.matchKey()));
    }

    private static Map<String, String> changes(MultivaluedHashMap<String, String> current, Map<String, String> wanted) {
        Map<String, String> delta = new LinkedHashMap<>();
        wanted.forEach((key, value) -> {
            if (!Objects.equals(current.getFirst(key), value)) {
                delta.put(key, value);
            }
        });
        return delta;
    }

    private static String action(boolean unchanged, boolean missing) {
        return missing ? "create" : unchanged ? "unchanged" : "update";
    }

    private void create(MapperSpec spec, Map<String, String> config) {
        ComponentModel mapper = new ComponentModel();
        mapper.setName(spec.name());
        mapper.setProviderId(spec.providerId());
        mapper.setProviderType(MAPPER_TYPE);
        mapper.setParentId(provider.getId());
        MultivaluedHashMap<String, String> values = new MultivaluedHashMap<>();
        config.forEach(values::putSingle);
        mapper.setConfig(values);
        realm.addComponentModel(mapper);
    }

    private void update(ComponentModel mapper, Map<String, String> delta) {
        delta.forEach(mapper.getConfig()::putSingle);
        realm.updateComponent(mapper);
    }

    private void ensureParentGroup() {
        String name = parentGroupName();
        Optional<GroupModel> existing = session.groups().getTopLevelGroupsStream(realm)
                .filter(g -> name.equals(g.getName())).findFirst();
        if (existing.isEmpty()) {
            session.groups().createGroup(realm, name);
            LOG.infof("Created group '%s' in realm %s for the groups of LDAP provider '%s'", LogSafe.of(name),
                    realm.getName(), LogSafe.of(provider.getName()));
            return;
        }
        // Whoever can create a group in the directory must not become a Keycloak administrator by joining it.
        if (grantsAdministration(existing.get(), new java.util.HashSet<>())) {
            throw new PrivilegedParentGroup(groupsPath());
        }
    }

    /** Why the preset would be refused (the provider's parent group grants administration), or empty. */
    Optional<String> refusal() {
        String name = parentGroupName();
        return session.groups().getTopLevelGroupsStream(realm)
                .filter(g -> name.equals(g.getName()))
                .filter(g -> grantsAdministration(g, new java.util.HashSet<>()))
                .findFirst()
                .map(g -> new PrivilegedParentGroup(groupsPath()).getMessage());
    }

    private static boolean grantsAdministration(GroupModel group, java.util.Set<String> seen) {
        if (!seen.add(group.getId())) {
            return false;
        }
        return PrivilegeGuard.isPrivileged(group)
                || group.getSubGroupsStream().anyMatch(child -> grantsAdministration(child, seen));
    }

    /** The provider's parent group (or a group below it) maps a role that administers Keycloak. */
    static final class PrivilegedParentGroup extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PrivilegedParentGroup(String path) {
            super("The group " + LogSafe.of(path) + " or a group below it grants Keycloak administration (a "
                    + "realm-management role); directory groups are never placed there. Remove that role mapping "
                    + "or rename the provider.");
        }
    }
}
