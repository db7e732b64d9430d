package com.claromentis.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** A realm created for one test class and removed after it. */
public final class TestRealm implements AutoCloseable {

    /** Public client every test realm has, for browser logins. */
    public static final String TEST_CLIENT = "test-app";
    public static final String TEST_REDIRECT_URI = "http://127.0.0.1/test-app/callback";

    private static final Logger LOG = Logger.getLogger(TestRealm.class.getName());

    private final KeycloakServer server;
    private final String name;
    private final java.util.Deque<AutoCloseable> resources = new java.util.ArrayDeque<>();

    private TestRealm(KeycloakServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /** Creates a realm with the {@value #TEST_CLIENT} client. */
    public static TestRealm create(KeycloakServer server, String name) {
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(name);
        realm.setEnabled(true);
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(TEST_CLIENT);
        client.setPublicClient(true);
        client.setDirectAccessGrantsEnabled(true);
        client.setStandardFlowEnabled(true);
        client.setRedirectUris(List.of(TEST_REDIRECT_URI));
        realm.setClients(List.of(client));
        server.admin().createRealm(realm);
        return new TestRealm(server, name);
    }

    public String name() {
        return name;
    }

    public KeycloakServer server() {
        return server;
    }

    public KeycloakAdminClient admin() {
        return server.admin();
    }

    /** Admin REST path of this realm, e.g. {@code /admin/realms/x}. */
    public String adminPath() {
        return "/admin/realms/" + name;
    }

    public String realmUrl() {
        return server.baseUrl() + "/realms/" + name;
    }

    public LoginClient loginClient() {
        return new LoginClient(server.baseUrl(), name);
    }

    public RealmRepresentation representation() {
        return admin().get(adminPath(), RealmRepresentation.class);
    }

    public void update(RealmRepresentation realm) {
        admin().put(adminPath(), realm);
    }

    /** Creates a local user with a password and returns its id. */
    public String createUser(String username, String password, Map<String, List<String>> attributes) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.setEmail(username + "@example.test");
        user.setEmailVerified(true);
        user.setFirstName(username);
        user.setLastName("Test");
        user.setAttributes(attributes);
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        return admin().post(adminPath() + "/users", user);
    }

    /** Gives the user one role of the realm's {@code realm-management} client, as an administrator would. */
    public void grantRealmManagementRole(String userId, String roleName) {
        String client = admin().get(adminPath() + "/clients?clientId=realm-management").get(0).path("id").asText();
        RoleRepresentation role = admin().get(adminPath() + "/clients/" + client
                + "/roles/" + roleName, RoleRepresentation.class);
        admin().post(adminPath() + "/users/" + userId + "/role-mappings/clients/" + client, List.of(role));
    }

    public Optional<UserRepresentation> findUser(String username) {
        UserRepresentation[] users = admin().get(adminPath() + "/users?exact=true&username="
                + java.net.URLEncoder.encode(username, java.nio.charset.StandardCharsets.UTF_8), UserRepresentation[].class);
        return users.length == 0 ? Optional.empty() : Optional.of(users[0]);
    }

    /** Adds a component (user storage provider, mapper, key provider) and returns its id. */
    public String addComponent(Object component) {
        return admin().post(adminPath() + "/components", component);
    }

    public JsonNode events(String type) {
        return admin().get(adminPath() + "/events?type=" + type);
    }

    /** Closes {@code resource} (a sandbox, a directory) when the realm is removed, last registered first. */
    public <T extends AutoCloseable> T closeWith(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("A resource of realm " + name + " did not close", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        removeRealm();
        if (failure != null) {
            throw failure;
        }
    }

    private void removeRealm() {
        if (Boolean.getBoolean("it.keep.realms")) {
            LOG.info(() -> "Keeping realm " + name + " (it.keep.realms=true)");
            return;
        }
        admin().deleteRealm(name);
    }
}
