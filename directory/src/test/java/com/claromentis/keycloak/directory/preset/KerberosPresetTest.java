package com.claromentis.keycloak.directory.preset;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Kerberos sign-in as the ad preset switches it on")
class KerberosPresetTest {

    @TempDir
    static Path folder;

    private static String keytab() throws Exception {
        Path file = folder.resolve("keycloak.keytab");
        if (!Files.exists(file)) {
            Files.write(file, new byte[] {5, 2});
        }
        return file.toString();
    }

    @Nested
    @DisplayName("given a service principal and a readable keytab")
    class Given {

        @Test
        @DisplayName("then Keycloak's own Kerberos settings are set, the realm taken from the principal, and passwords stay LDAP binds")
        void settings() throws Exception {
            KerberosPreset kerberos = KerberosPreset.of(Vendor.AD, " HTTP/sso.example.com@EXAMPLE.COM ", keytab(), null)
                    .orElseThrow();

            assertThat(kerberos.providerConfig())
                    .containsEntry("allowKerberosAuthentication", "true")
                    .containsEntry("serverPrincipal", "HTTP/sso.example.com@EXAMPLE.COM")
                    .containsEntry("kerberosRealm", "EXAMPLE.COM")
                    .containsEntry("keyTab", keytab())
                    .containsEntry("useKerberosForPasswordAuthentication", "false");
        }

        @Test
        @DisplayName("then a realm given apart (users in another realm than the service) is kept")
        void ownRealm() throws Exception {
            assertThat(KerberosPreset.of(Vendor.AD, "HTTP/sso.example.com@SERVICES.EXAMPLE.COM", keytab(), "CORP.EXAMPLE.COM")
                    .orElseThrow().realm()).isEqualTo("CORP.EXAMPLE.COM");
        }
    }

    @Test
    @DisplayName("when nothing is given, then Kerberos is left as it is")
    void nothing() {
        assertThat(KerberosPreset.of(Vendor.AD, null, " ", null)).isEmpty();
    }

    @Nested
    @DisplayName("when a value is malformed or hostile, then the preset is refused naming the setting")
    class Refused {

        @ParameterizedTest(name = "principal ''{0}''")
        @ValueSource(strings = {"sso.example.com", "http/sso.example.com@EXAMPLE.COM", "HTTP/sso.example.com@example.com",
                "HOST/sso.example.com@EXAMPLE.COM", "HTTP/sso example.com@EXAMPLE.COM", "HTTP/@EXAMPLE.COM",
                "HTTP/sso.example.com@EXAMPLE.COM\nkeyTab=/etc/shadow", "HTTP/*@EXAMPLE.COM", "HTTP/sso.example.com"})
        void principal(String value) {
            assertThatThrownBy(() -> KerberosPreset.of(Vendor.AD, value, keytab(), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("service principal must read HTTP/<host>@<REALM>");
        }

        @ParameterizedTest(name = "realm ''{0}''")
        @ValueSource(strings = {"example.com", "EXAMPLE COM", "EXAMPLE.COM;DROP", "-"})
        void realm(String value) {
            assertThatThrownBy(() -> KerberosPreset.of(Vendor.AD, "HTTP/sso.example.com@EXAMPLE.COM", keytab(), value))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Kerberos realm must be");
        }

        @Test
        @DisplayName("a keytab that is missing, relative or a folder")
        void keytabs() {
            for (String value : new String[] {"/nonexistent/keycloak.keytab", "keycloak.keytab", folder.toString()}) {
                assertThatThrownBy(() -> KerberosPreset.of(Vendor.AD, "HTTP/sso.example.com@EXAMPLE.COM", value, null))
                        .as(value).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("keytab");
            }
        }

        @Test
        @DisplayName("a principal without a keytab, or the other way round")
        void halfGiven() {
            assertThatThrownBy(() -> KerberosPreset.of(Vendor.AD, "HTTP/sso.example.com@EXAMPLE.COM", null, null))
                    .hasMessageContaining("needs both");
            assertThatThrownBy(() -> KerberosPreset.of(Vendor.AD, null, keytab(), null))
                    .hasMessageContaining("needs both");
        }

        @Test
        @DisplayName("Kerberos on an OpenLDAP or eDirectory preset")
        void otherVendors() {
            assertThatThrownBy(() -> KerberosPreset.of(Vendor.OPENLDAP, "HTTP/sso.example.com@EXAMPLE.COM", keytab(), null))
                    .hasMessageContaining("part of the ad preset");
        }
    }
}
