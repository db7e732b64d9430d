package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.claromentis.keycloak.peopleapi.auth.BasicAuth;
import com.claromentis.keycloak.peopleapi.auth.ClientCredentialsAuth;
import com.claromentis.keycloak.peopleapi.auth.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Credentials and tokens must never appear in toString, exception messages or log lines. */
class SecretLeakTest extends MockServerSupport {

    private static final String CLIENT_SECRET = "client-s3cret-XYZ";
    private static final String TOKEN = "eyJ-token-value-7f3a9";

    // Held strongly: JUL keeps loggers weakly and would drop our level setting.
    private final Logger julLogger = Logger.getLogger("com.claromentis.keycloak.peopleapi");
    private final List<String> logLines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            StringBuilder sb = new StringBuilder(String.valueOf(r.getMessage()));
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    sb.append(' ').append(p);
                }
            }
            if (r.getThrown() != null) {
                sb.append(' ').append(r.getThrown());
            }
            synchronized (logLines) {
                logLines.add(sb.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        julLogger.setLevel(Level.ALL);
        julLogger.addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        julLogger.removeHandler(capture);
        julLogger.setLevel(null);
    }

    @Test
    void toStringsAreRedacted() {
        Secret secret = Secret.of(PASSWORD);
        ClientCredentialsAuth cc = ClientCredentialsAuth.builder().tokenEndpoint("https://idp.example/token")
                .clientId("kc").clientSecret(Secret.of(CLIENT_SECRET)).build();
        PeopleApiConfig config = config(RetryPolicy.none()).build();
        PeopleApiClient client = PeopleApiClient.create(PeopleApiConfig.builder().baseUrl("https://x.example")
                .auth(cc).build());
        assertThat(List.of(secret.toString(), BasicAuth.of("api", secret).toString(), cc.toString(),
                config.toString(), client.toString()))
                .allSatisfy(s -> assertThat(s).doesNotContain(PASSWORD).doesNotContain(CLIENT_SECRET)
                        .doesNotContain(basicBlob()));
        assertThat(secret.reveal()).isEqualTo(PASSWORD);
    }

    @Test
    void basicCredentialsEchoedByTheServerDoNotReachMessagesOrLogs() {
        String echo = "{\"code\":500,\"error\":\"bad header Authorization: Basic " + basicBlob() + " password="
                + PASSWORD + "\"}";
        server.enqueue(json(500, echo));
        server.enqueue(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/html")
                .body("<pre>Authorization: Basic " + basicBlob() + "\n" + PASSWORD + "</pre>").build());
        server.enqueue(json(200, "{\"id\":1,\"username\":\"" + PASSWORD + "\",\"active\":{\"x\":1}}"));
        PeopleApiClient client = client(RetryPolicy.none());

        List<Throwable> failures = List.of(
                catchThrowable(() -> client.listUsers(UserQuery.all())),
                catchThrowable(() -> client.listUsers(UserQuery.all())),
                catchThrowable(() -> client.getUser(1)));
        assertNoLeak(failures, PASSWORD, basicBlob());
    }

    @Test
    void tokensAndClientSecretsDoNotReachMessagesOrLogs() {
        server.enqueue(json(200, "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":600}"));
        server.enqueue(json(401, "{\"code\":401,\"error\":\"token " + TOKEN + " rejected\"}"));
        server.enqueue(json(400, "{\"error\":\"invalid_client\",\"error_description\":\"secret " + CLIENT_SECRET
                + " is wrong\"}"));
        server.enqueue(json(200, "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":600}"));
        server.enqueue(json(200, "not json Bearer " + TOKEN));
        PeopleApiClient client = PeopleApiClient.create(config(RetryPolicy.none()).auth(ClientCredentialsAuth.builder()
                .tokenEndpoint(server.url("/oauth/token").toString()).clientId("kc")
                .clientAuthentication(ClientCredentialsAuth.ClientAuthentication.FORM)
                .clientSecret(Secret.of(CLIENT_SECRET)).build()).build());

        List<Throwable> failures = new ArrayList<>();
        failures.add(catchThrowable(() -> client.getUser(1)));
        failures.add(catchThrowable(() -> client.getUser(1)));
        assertThat(failures).allSatisfy(f -> assertThat(f).isNotNull());
        assertNoLeak(failures, TOKEN, CLIENT_SECRET);
    }

    private void assertNoLeak(List<Throwable> failures, String... secrets) {
        List<String> texts = new ArrayList<>();
        for (Throwable t : failures) {
            assertThat(t).isNotNull();
            for (Throwable c = t; c != null; c = c.getCause()) {
                texts.add(String.valueOf(c.getMessage()));
                texts.add(c.toString());
            }
        }
        synchronized (logLines) {
            assertThat(logLines).isNotEmpty();
            texts.addAll(logLines);
        }
        for (String text : texts) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
            assertThat(text).doesNotContainIgnoringCase("authorization: basic " + basicBlob().substring(0, 4));
        }
    }

    private static String basicBlob() {
        return Base64.getEncoder().encodeToString(("api:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }
}
