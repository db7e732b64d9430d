package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.Slapd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The vendor presets as an administrator applies them in the admin console: by adding the preset mapper. */
@RealDirectory
@RealKeycloak
@DisplayName("Given an LDAP provider in the admin console, when the administrator adds the claromentis-vendor-preset mapper")
class VendorPresetConsoleIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String MAPPER_TYPE = "org.keycloak.storage.ldap.mappers.LDAPStorageMapper";

    private static LdapFederation ldap;
    private static String groups;
    private static String staffDn;

    @BeforeAll
    static void provider(TestRealm realm, Slapd slapd) {
        String people = slapd.addOrganizationalUnit("console-" + SUFFIX);
        groups = slapd.addOrganizationalUnit("console-groups-" + SUFFIX);
        String alice = slapd.addUser(DirectoryUser.builder("alice-" + SUFFIX).in(people).givenName("Alice").surname("Archer").build());
        staffDn = slapd.addGroup("staff", groups, List.of(alice));
        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(), slapd.bindDn(),
                slapd.bindPassword(), people);
    }

    private static HttpResponse<String> addPresetMapper(TestRealm realm, String parentId, Map<String, List<String>> config) {
        ComponentRepresentation mapper = new ComponentRepresentation();
        mapper.setName("vendor preset");
        mapper.setProviderId("claromentis-vendor-preset");
        mapper.setProviderType(MAPPER_TYPE);
        mapper.setParentId(parentId);
        MultivaluedHashMap<String, String> values = new MultivaluedHashMap<>();
        config.forEach(values::put);
        mapper.setConfig(values);
        return realm.admin().exchange("POST", realm.adminPath() + "/components", mapper);
    }

    @Nested
    @DisplayName("with vendor openldap, the groups DN and a sync group")
    class Saved {

        @Test
        @DisplayName("then the provider gets the preset's attributes, filter and mappers, and saving it again changes nothing")
        void applies(TestRealm realm) {
            HttpResponse<String> created = addPresetMapper(realm, ldap.id(), Map.of("vendor", List.of("openldap"),
                    "groups.dn", List.of(groups), "sync.groups", List.of(staffDn)));

            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(ldap.setting("uuidLDAPAttribute")).isEqualTo("entryUUID");
            assertThat(ldap.setting("customUserSearchFilter")).isEqualTo("(memberOf=" + staffDn + ")");
            assertThat(ldap.mappers()).extracting(ComponentRepresentation::getProviderId)
                    .contains("claromentis-directory-sync", "claromentis-manager-mapper", "group-ldap-mapper");
            var before = ldap.mapperConfigs();

            ComponentRepresentation preset = ldap.mappers().stream()
                    .filter(m -> m.getProviderId().equals("claromentis-vendor-preset")).findFirst().orElseThrow();
            realm.admin().put(realm.adminPath() + "/components/" + preset.getId(), preset);

            assertThat(ldap.mapperConfigs()).isEqualTo(before);
        }
    }

    @Nested
    @DisplayName("with hostile or wrong settings")
    class Refused {

        @Test
        @DisplayName("then a sync group that is not a DN is refused at save with a message the console shows")
        void notADn(TestRealm realm) {
            HttpResponse<String> response = addPresetMapper(realm, ldap.id(), Map.of("vendor", List.of("openldap"),
                    "sync.groups", List.of("*)(uid=*")));

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("DN of a group");
        }

        @Test
        @DisplayName("then Kerberos settings that are malformed, or a keytab Keycloak cannot read, are refused at save, and the provider keeps Kerberos off")
        void kerberos(TestRealm realm) {
            HttpResponse<String> principal = addPresetMapper(realm, ldap.id(), Map.of("vendor", List.of("ad"),
                    "kerberos.principal", List.of("HTTP/sso.example.com@EXAMPLE.COM\nkeyTab=/etc/shadow"),
                    "kerberos.keytab", List.of("/etc/hostname")));
            HttpResponse<String> keytab = addPresetMapper(realm, ldap.id(), Map.of("vendor", List.of("ad"),
                    "kerberos.principal", List.of("HTTP/sso.example.com@EXAMPLE.COM"),
                    "kerberos.keytab", List.of("/nonexistent/keycloak.keytab")));

            assertThat(principal.statusCode()).isEqualTo(400);
            assertThat(principal.body()).contains("HTTP/<host>@<REALM>");
            assertThat(keytab.statusCode()).isEqualTo(400);
            assertThat(keytab.body()).contains("cannot read the keytab");
            assertThat(ldap.setting("allowKerberosAuthentication")).isNotEqualTo("true");
        }

        @Test
        @DisplayName("then an unknown vendor is refused at save")
        void unknownVendor(TestRealm realm) {
            HttpResponse<String> response = addPresetMapper(realm, ldap.id(), Map.of("vendor", List.of("novell")));

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("ad, edirectory or openldap");
        }
    }
}
