package com.claromentis.keycloak.it.docker;

import com.claromentis.keycloak.it.cluster.TwoNodeCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs here, so docker/compose.yaml is read as Compose would read it (YAML with its anchors and merge
 * keys) and held to what ClusterIT proves on the distribution.
 */
@DisplayName("Given docker/compose.yaml")
class ComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));
    private static final List<String> NODES = List.of("keycloak-a", "keycloak-b");

    private static Map<String, Object> services;

    @BeforeAll
    static void read() throws IOException {
        Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(ROOT.resolve("docker/compose.yaml")));
        services = map(compose, "services");
    }

    @Test
    @DisplayName("then it starts two Keycloak nodes, PostgreSQL, OpenLDAP and the People API sandbox")
    void services() {
        assertThat(services).containsOnlyKeys("keycloak-a", "keycloak-b", "postgres", "openldap", "people-api-sandbox");
    }

    @Nested
    @DisplayName("when it starts the Keycloak nodes")
    class KeycloakNodes {

        @Test
        @DisplayName("then both build the bundle's image on the Keycloak release the pom names")
        void version() {
            for (String node : NODES) {
                Map<String, Object> build = map(map(services, node), "build");
                assertThat(build).as(node).containsEntry("dockerfile", "docker/Dockerfile");
                assertThat(map(build, "args")).as(node)
                        .containsEntry("KEYCLOAK_VERSION", System.getProperty("keycloak.dist.version"));
            }
        }

        @Test
        @DisplayName("then both have the cluster options of the cluster test: PostgreSQL and the default ispn cache with"
                + " the default jdbc-ping stack")
        void clusterOptions() {
            for (String node : NODES) {
                Map<String, Object> environment = map(map(services, node), "environment");
                TwoNodeCluster.CLUSTER_OPTIONS.forEach((option, value) ->
                        assertThat(environment).as(node + " " + option).containsEntry(environmentName(option), value));
                assertThat(environment).as(node + ": no stack named, so the default jdbc-ping").doesNotContainKey("KC_CACHE_STACK");
                assertThat(String.valueOf(environment.get("KC_DB_URL"))).as(node)
                        .startsWith("jdbc:postgresql://postgres:5432/");
                assertThat(map(map(services, node), "depends_on")).as(node).containsKey("postgres");
            }
        }

        @Test
        @DisplayName("then each node publishes ports of its own and has its own hostname")
        void ownPorts() {
            Set<String> hostPorts = new HashSet<>();
            Set<Object> hostnames = new HashSet<>();
            for (String node : NODES) {
                List<String> published = new ArrayList<>();
                for (Object port : (List<?>) map(services, node).get("ports")) {
                    String mapping = String.valueOf(port);
                    published.add(mapping.substring(0, mapping.lastIndexOf(':')));
                }
                assertThat(published).as(node).isNotEmpty();
                published.forEach(port -> assertThat(hostPorts.add(port)).as("host port " + port + " used twice").isTrue());
                hostnames.add(map(map(services, node), "environment").get("KC_HOSTNAME"));
            }
            assertThat(hostnames).hasSize(NODES.size());
        }
    }

    @Nested
    @DisplayName("when it starts OpenLDAP")
    class OpenLdap {

        @Test
        @DisplayName("then the directory it loads has the shape the openldap preset expects: inetOrgPerson users named by"
                + " uid under ou=people, groupOfNames groups (ou=groups) and role groups (ou=roles), below the image's LDAP_ROOT")
        void presetShape() throws IOException {
            Map<String, Object> openldap = map(services, "openldap");
            String root = String.valueOf(map(openldap, "environment").get("LDAP_ROOT"));
            String ldif = ((List<?>) openldap.get("volumes")).stream().map(String::valueOf)
                    .filter(volume -> volume.contains(".ldif:")).findFirst().orElseThrow()
                    .split(":")[0];
            List<String> entries = List.of(Files.readString(ROOT.resolve("docker").resolve(ldif).normalize()).split("\\n\\s*\\n"));

            List<String> people = entries.stream().filter(e -> e.contains("objectClass: inetOrgPerson")).toList();
            List<String> groups = entries.stream().filter(e -> e.contains("objectClass: groupOfNames")).toList();
            assertThat(people).isNotEmpty().allSatisfy(entry -> assertThat(entry)
                    .containsPattern("(?m)^dn: uid=[^,]+,ou=people," + Pattern.quote(root) + "$")
                    .contains("objectClass: organizationalPerson"));
            assertThat(groups).isNotEmpty().allSatisfy(entry -> assertThat(entry)
                    .containsPattern("(?m)^dn: cn=[^,]+,ou=(groups|roles)," + Pattern.quote(root) + "$")
                    .containsPattern("(?m)^member: uid=[^,]+,ou=people,"));
        }
    }

    @Test
    @DisplayName("then the People API sandbox runs the sandbox module's standalone JAR")
    void sandbox() {
        Map<String, Object> sandbox = map(services, "people-api-sandbox");
        assertThat(String.valueOf(sandbox.get("command"))).contains("claromentis-sandbox-", "-standalone.jar", "--bind 0.0.0.0");
        assertThat(String.valueOf(sandbox.get("volumes"))).contains("../sandbox/target:/opt/sandbox");
    }

    /** Keycloak's environment name of an option: {@code cache-stack} is {@code KC_CACHE_STACK}. */
    private static String environmentName(String option) {
        return "KC_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}
