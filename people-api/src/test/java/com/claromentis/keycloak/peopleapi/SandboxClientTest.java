package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claromentis.keycloak.peopleapi.auth.BasicAuth;
import com.claromentis.keycloak.peopleapi.auth.ClientCredentialsAuth;
import com.claromentis.keycloak.peopleapi.auth.PeopleApiAuth;
import com.claromentis.keycloak.peopleapi.auth.Secret;
import com.claromentis.keycloak.peopleapi.error.ConflictException;
import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import com.claromentis.keycloak.peopleapi.error.UnauthorizedException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the real sandbox over loopback HTTP. */
class SandboxClientTest {

    private final MutableClock sandboxClock = new MutableClock(Instant.parse("2025-03-01T09:00:00Z"));
    private final MutableClock clientClock = new MutableClock(Instant.parse("2025-03-01T09:00:00Z"));
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private SandboxServer sandbox;
    private PeopleApiClient client;

    @BeforeEach
    void start() throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials("api-user", "api-password")
                .clientCredentials("keycloak", "client-secret-value")
                .tokenLifetime(Duration.ofSeconds(120))
                .clock(sandboxClock)
                .build());
        client = client(BasicAuth.of("api-user", Secret.of("api-password")));
    }

    @AfterEach
    void stop() {
        client.close();
        sandbox.close();
    }

    private PeopleApiClient client(PeopleApiAuth auth) {
        return PeopleApiClient.create(PeopleApiConfig.builder()
                .baseUrl(sandbox.baseUrl())
                .auth(auth)
                .retryPolicy(RetryPolicy.of(3, Duration.ofMillis(100), Duration.ofSeconds(2)))
                .sleeper(sleeper)
                .clock(clientClock)
                .build());
    }

    private PeopleApiClient tokenClient(String secret) {
        return client(ClientCredentialsAuth.builder()
                .tokenEndpoint(sandbox.tokenUrl())
                .clientId("keycloak")
                .clientSecret(Secret.of(secret))
                .build());
    }

    @Test
    void createsReadsUpdatesAndDeletesUsers() {
        ClaromentisUser boss = client.createUser(ClaromentisUser.builder("boss").firstName("Big").surname("Boss").build());
        ClaromentisUser jane = client.createUser(ClaromentisUser.builder("jdoe").firstName("Jane").surname("Doe")
                .email("jane.doe@example.org").phone("+44 20 7946 0000").jobTitle("Engineer")
                .officeLocation("London").department("IT").externalId("ext-1").managerId(boss.id()).build());

        assertThat(jane.id()).isPositive();
        assertThat(jane.managerId()).isEqualTo(boss.id());
        assertThat(client.getUser(jane.id())).get().satisfies(u -> {
            assertThat(u.officeLocation()).isEqualTo("London");
            assertThat(u.jobTitle()).isEqualTo("Engineer");
            assertThat(u.externalId()).isEqualTo("ext-1");
            assertThat(u.active()).isTrue();
        });

        ClaromentisUser moved = client.updateUser(jane.id(), jane.toBuilder().officeLocation("Leeds").phone(null)
                .active(false).managerId(null).build());
        assertThat(moved.officeLocation()).isEqualTo("Leeds");
        assertThat(moved.phone()).isNull();
        assertThat(moved.active()).isFalse();
        assertThat(moved.managerId()).isNull();
        assertThat(client.setManager(jane.id(), boss.id()).managerId()).isEqualTo(boss.id());

        ClaromentisUser detailed = client.getUserWithDetails(jane.id()).orElseThrow();
        assertThat(detailed.managerUsername()).isEqualTo("boss");

        assertThat(client.deleteUser(jane.id())).isTrue();
        assertThat(client.deleteUser(jane.id())).isFalse();
        assertThat(client.getUser(jane.id())).isEmpty();
        assertThat(sandbox.findUserByUsername("jdoe")).isEmpty();
    }

    @Test
    void duplicateUsernameIsAConflict() {
        client.createUser(ClaromentisUser.builder("jdoe").build());
        assertThatThrownBy(() -> client.createUser(ClaromentisUser.builder("JDoe").build()))
                .isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(((ConflictException) e).status()).isEqualTo(409));
    }

    @Test
    void iteratesEveryPage() {
        sandbox.generateUsers(450, "bulk");
        Page<ClaromentisUser> first = client.listUsers(UserQuery.all());
        assertThat(first.items()).hasSize(20);
        assertThat(first.total()).isEqualTo(450);
        assertThat(first.next()).startsWith(sandbox.apiBaseUrl() + "users?offset=20");

        List<ClaromentisUser> all = client.listAllUsers(UserQuery.all().withLimit(200));
        assertThat(all).hasSize(450);
        assertThat(all.stream().map(ClaromentisUser::username).collect(Collectors.toSet())).hasSize(450);
        assertThat(sandbox.requestCount("GET /users")).isEqualTo(1 + 3);
        // Lazy: taking five users fetches one page only.
        assertThat(client.streamUsers(UserQuery.all().withLimit(5)).limit(5).count()).isEqualTo(5);
        assertThat(sandbox.requestCount("GET /users")).isEqualTo(1 + 3 + 1);
    }

    @Test
    void findsByUsernameEmailSearchAndModifiedSince() {
        sandbox.addUser(SandboxUser.builder("jdoe").firstname("Jane").surname("Doe").email("Jane@Example.org").build());
        sandbox.addUser(SandboxUser.builder("jdoe2").firstname("Jane").surname("Roe").email("jane@example.org").build());
        sandboxClock.advance(Duration.ofMinutes(10));
        Instant cut = sandboxClock.instant();
        sandbox.addUser(SandboxUser.builder("bsmith").firstname("Bob").surname("Smith").build());

        assertThat(client.findUserByUsername("JDOE")).get().extracting(ClaromentisUser::username).isEqualTo("jdoe");
        assertThat(client.findUserByUsername("nobody")).isEmpty();
        assertThat(client.findUsersByEmail("jane@example.org")).hasSize(2);
        assertThat(client.searchUsers("roe", 0, 10).items()).extracting(ClaromentisUser::username)
                .containsExactly("jdoe2");
        assertThat(client.streamUsersModifiedSince(cut)).extracting(ClaromentisUser::username)
                .containsExactly("bsmith");
    }

    @Test
    void groupsAndRoles() {
        long a = client.createUser(ClaromentisUser.builder("a").build()).id();
        long b = client.createUser(ClaromentisUser.builder("b").build()).id();
        // Claromentis owns its group and role lists: the sandbox seeds them, the client only lists and fills them.
        long engId = sandbox.addGroup("Engineering").id();
        ClaromentisGroup eng = client.groups().listAll().get(0);
        assertThat(eng.id()).isEqualTo(engId);
        long admin = sandbox.addRole("Administrator").id();
        assertThat(eng.kind()).isEqualTo(ClaromentisGroup.Kind.GROUP);

        client.groups().setMembers(eng.id(), List.of(a, b));
        client.roles().setMembers(admin, List.of(b));
        assertThat(client.groups().members(eng.id())).extracting(ClaromentisUser::username).containsExactly("a", "b");
        assertThat(client.getUserGroups(b)).extracting(ClaromentisGroup::name).containsExactly("Engineering");
        assertThat(client.getUserRoles(b)).extracting(ClaromentisGroup::name).containsExactly("Administrator");
        assertThat(client.getUserRoles(a)).isEmpty();

        client.groups().setMembers(eng.id(), List.of(a));
        assertThat(client.groups().members(eng.id())).extracting(ClaromentisUser::id).containsExactly(a);
        assertThat(client.getUserWithDetails(b).orElseThrow().roles()).extracting(ClaromentisGroup::name)
                .containsExactly("Administrator");

        assertThat(client.groups().listAll()).extracting(ClaromentisGroup::name).containsExactly("Engineering");
        assertThat(client.roles().list(0, 10).total()).isEqualTo(1);
    }

    @Test
    void bearerTokenIsFetchedOnceAndReused() throws Exception {
        try (PeopleApiClient bearer = tokenClient("client-secret-value")) {
            sandbox.addUser("jdoe", "Jane", "Doe", "jane@example.org");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Boolean>> calls = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    calls.add(() -> bearer.findUserByUsername("jdoe").isPresent());
                }
                for (Future<Boolean> f : pool.invokeAll(calls)) {
                    assertThat(f.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(sandbox.tokensIssued()).isEqualTo(1);
        }
    }

    @Test
    void bearerTokenIsRefreshedBeforeExpiryAndAfterA401() {
        try (PeopleApiClient bearer = tokenClient("client-secret-value")) {
            bearer.listUsers(UserQuery.all());
            clientClock.advance(Duration.ofSeconds(80));
            bearer.listUsers(UserQuery.all());
            assertThat(sandbox.tokensIssued()).isEqualTo(1);
            // 120 s lifetime minus 30 s skew: at 91 s the client renews without being told to.
            clientClock.advance(Duration.ofSeconds(11));
            bearer.listUsers(UserQuery.all());
            assertThat(sandbox.tokensIssued()).isEqualTo(2);

            sandbox.revokeTokens();
            assertThat(bearer.listUsers(UserQuery.all()).items()).isEmpty();
            assertThat(sandbox.tokensIssued()).isEqualTo(3);
        }
    }

    @Test
    void wrongCredentialsAreUnauthorizedForBothSchemes() {
        try (PeopleApiClient wrongBasic = client(BasicAuth.of("api-user", Secret.of("nope")));
             PeopleApiClient wrongSecret = tokenClient("wrong-secret")) {
            assertThatThrownBy(() -> wrongBasic.listUsers(UserQuery.all()))
                    .isInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("401");
            assertThatThrownBy(() -> wrongSecret.listUsers(UserQuery.all()))
                    .isInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("invalid_client");
            assertThat(sandbox.requestCount("GET /users")).isEqualTo(1);
        }
    }

    @Test
    void retriesRateLimitsWithTheServersRetryAfter() {
        sandbox.faults().rateLimitNext(2, 1);
        assertThat(client.listUsers(UserQuery.all()).items()).isEmpty();
        assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(sandbox.requestCount("GET /users")).isEqualTo(3);
    }

    @Test
    void givesUpOnAnOutageAfterTheConfiguredAttempts() {
        sandbox.faults().outage(Faults.Outage.STATUS_503);
        assertThatThrownBy(() -> client.listUsers(UserQuery.all()))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("503");
        assertThat(sandbox.requestCount("GET /users")).isEqualTo(3);

        sandbox.faults().outage(Faults.Outage.CLOSE_CONNECTION);
        assertThatThrownBy(() -> client.getUser(1))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("after 3 attempt(s)");
    }

    @Test
    void createDuringAnOutageNeverDuplicates() {
        sandbox.faults().errorRate(1.0, 502);
        assertThatThrownBy(() -> client.createUser(ClaromentisUser.builder("jdoe").build()))
                .isInstanceOf(UnavailableException.class);
        sandbox.faults().reset();
        assertThat(sandbox.userCount()).isZero();
        // The lookup after the failed POST failed too, so the POST was never re-sent blind.
        assertThat(sandbox.requestCount("POST /users")).isEqualTo(1);
    }

    @Test
    void truncatedJsonIsAMalformedResponse() {
        sandbox.addUser("jdoe", "Jane", "Doe", "jane@example.org");
        sandbox.faults().truncateNext(1);
        assertThatThrownBy(() -> client.listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("GET /api/people/v2/users")
                .hasMessageContaining("not valid JSON");
    }
}
