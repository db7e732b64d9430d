package com.claromentis.keycloak.graph;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The settings of an entra-id-directory provider")
class GraphDirectoryConfigTest {

    private static final String APP = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    private static final String GROUP = "5c8e7d6f-2222-4a2b-8c3d-1234567890ab";

    private static ComponentModel valid() {
        ComponentModel model = new ComponentModel();
        model.put(GraphDirectoryConfig.TENANT, "4b1c6f0e-2a7d-4c3e-9f10-5d2e8a7b6c01");
        model.put(GraphDirectoryConfig.CLIENT_ID, APP);
        model.put(GraphDirectoryConfig.CLIENT_SECRET, "${vault.graph}");
        return model;
    }

    @Nested
    @DisplayName("given only the required settings")
    class Defaults {

        @Test
        @DisplayName("then the global cloud, disable on removal, 20 %, 999 a page and no groups apply")
        void defaults() {
            GraphDirectoryConfig config = new GraphDirectoryConfig(valid());
            config.validate();

            assertThat(config.graph().origin()).isEqualTo("https://graph.microsoft.com");
            assertThat(config.authority().base()).isEqualTo("https://login.microsoftonline.com");
            assertThat(config.removal()).isEqualTo(GraphDirectoryConfig.Removal.DISABLE);
            assertThat(config.maxRemovalPercent()).isEqualTo(20);
            assertThat(config.pageSize()).isEqualTo(999);
            assertThat(config.groups()).isEmpty();
        }

        @Test
        @DisplayName("then the selection changes when the groups or the guest rule change, so the next sync reads everything")
        void selection() {
            ComponentModel model = valid();
            String before = new GraphDirectoryConfig(model).selection(false);
            model.getConfig().put(GraphDirectoryConfig.GROUPS, List.of(GROUP));

            assertThat(new GraphDirectoryConfig(model).selection(false)).isNotEqualTo(before);
            assertThat(new GraphDirectoryConfig(model).selection(true)).isNotEqualTo(new GraphDirectoryConfig(model).selection(false));
        }

        @Test
        @DisplayName("then the same groups read back in another order are the same selection (Keycloak keeps no order)")
        void orderDoesNotMatter() {
            String other = "6d9f8e7a-3333-4a2b-8c3d-1234567890ab";
            ComponentModel one = valid();
            one.getConfig().put(GraphDirectoryConfig.GROUPS, List.of(GROUP, other));
            ComponentModel two = valid();
            two.getConfig().put(GraphDirectoryConfig.GROUPS, List.of(other, GROUP.toUpperCase()));

            assertThat(new GraphDirectoryConfig(one).selection(false)).isEqualTo(new GraphDirectoryConfig(two).selection(false));
        }
    }

    @Nested
    @DisplayName("given settings an administrator got wrong")
    class Refused {

        private void refused(java.util.function.Consumer<ComponentModel> change, String message) {
            ComponentModel model = valid();
            change.accept(model);
            assertThatThrownBy(() -> new GraphDirectoryConfig(model).validate())
                    .isInstanceOf(ComponentValidationException.class).hasMessageContaining(message);
        }

        @Test
        @DisplayName("then each is refused naming the setting")
        void refusals() {
            refused(m -> m.put(GraphDirectoryConfig.CLIENT_ID, ""), "Client ID is required");
            refused(m -> m.put(GraphDirectoryConfig.CLIENT_ID, "my-app"), "GUID");
            refused(m -> m.put(GraphDirectoryConfig.CLIENT_SECRET, " "), "A client secret or a client certificate is required");
            refused(m -> m.put(GraphDirectoryConfig.CLIENT_CERTIFICATE, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"), "Client certificate");
            refused(m -> m.put(GraphDirectoryConfig.GRAPH_HOST, "graph.evil.example"), "not a Microsoft Graph host");
            refused(m -> m.put(GraphDirectoryConfig.GRAPH_HOST, "http://graph.microsoft.com"), "https");
            refused(m -> m.put(GraphDirectoryConfig.GRAPH_HOST, "https://graph.microsoft.com/v1.0"), "host only");
            refused(m -> m.put(GraphDirectoryConfig.AUTHORITY_HOST, "login.evil.example"), "not a Microsoft Entra authority");
            refused(m -> m.getConfig().put(GraphDirectoryConfig.GROUPS, List.of("Sales")), "not a group object ID");
            refused(m -> m.put(GraphDirectoryConfig.ONLY_GROUP_MEMBERS, "true"), "no group is given");
            refused(m -> m.put(GraphDirectoryConfig.REMOVAL, "wipe"), "'disable' or 'delete'".replace('\'', '\u2019'));
            refused(m -> m.put(GraphDirectoryConfig.MAX_REMOVAL_PERCENT, "101"), "between 0 and 100");
            refused(m -> m.put(GraphDirectoryConfig.PAGE_SIZE, "1000"), "between 1 and 999");
            refused(m -> m.put(GraphDirectoryConfig.PAGE_SIZE, "x".repeat(5000)), "longer than");
        }

        @Test
        @DisplayName("then more than 50 groups are refused")
        void tooManyGroups() {
            refused(m -> m.getConfig().put(GraphDirectoryConfig.GROUPS, java.util.stream.IntStream.range(0, 51)
                    .mapToObj(i -> String.format("5c8e7d6f-2222-4a2b-8c3d-%012d", i)).toList()), "at most 50 groups");
        }
    }

    @Nested
    @DisplayName("given a loopback test Graph")
    class Loopback {

        @Test
        @DisplayName("then plain http is allowed on 127.0.0.1 only, and links are owned only on that origin under /v1.0/")
        void loopback() {
            GraphHost host = GraphHost.parse("http://127.0.0.1:8089");

            assertThat(host.owns("http://127.0.0.1:8089/v1.0/users?$skiptoken=1")).isTrue();
            assertThat(host.owns("http://127.0.0.1:8090/v1.0/users")).isFalse();
            assertThat(host.owns("http://127.0.0.1:8089/beta/users")).isFalse();
            assertThat(host.owns(null)).isFalse();
            assertThatThrownBy(() -> GraphHost.parse("http://10.0.0.1")).hasMessageContaining("https");
        }
    }
}
