package com.claromentis.keycloak.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Given the throwaway PostgreSQL fixture")
class PostgresTest {

    private static Postgres postgres;

    @BeforeAll
    static void start() {
        postgres = Postgres.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @DisplayName("then a database it creates answers SQL on its loopback port")
    void answersOnLoopback() {
        String url = postgres.createDatabase("fixture_check");

        assertThat(url).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/fixture_check");
        assertThat(postgres.queryLong("fixture_check", "select 40 + 2")).isEqualTo(42);
        assertThat(postgres.psql("fixture_check", "show listen_addresses")).isEqualTo("127.0.0.1");
    }

    @Test
    @DisplayName("then it is a PostgreSQL server, not an emulation")
    void isPostgres() {
        assertThat(postgres.psql("postgres", "select version()")).startsWith("PostgreSQL ");
    }

    @Test
    @DisplayName("then a wrong password is refused, as in production")
    void passwordsAreChecked() throws Exception {
        Process process = new ProcessBuilder(List.of(Postgres.binaries().resolve("psql").toString(), "-X", "-h",
                "127.0.0.1", "-p", Integer.toString(postgres.port()), "-U", Postgres.USERNAME, "-d", "postgres",
                "-c", "select 1"))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isNotZero();
        assertThat(output).containsAnyOf("password authentication failed", "no password supplied");
    }

    @Test
    @DisplayName("when it is closed, then its server is gone and its folder removed")
    void closeRemovesEverything() {
        Postgres second = Postgres.start();
        Path home = second.home();
        assertThat(second.isRunning()).isTrue();

        second.close();

        assertThat(Files.exists(home)).isFalse();
        assertThatThrownBy(() -> second.psql("postgres", "select 1")).isInstanceOf(RuntimeException.class);
    }
}
