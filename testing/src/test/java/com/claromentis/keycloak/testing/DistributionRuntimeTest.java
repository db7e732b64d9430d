package com.claromentis.keycloak.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Building the Keycloak distribution with kc.sh")
class DistributionRuntimeTest {

    /** A kc.sh that fails its first {@code failures} builds with {@code error}, then succeeds; counts its runs. */
    private static Path distribution(Path dir, int failures, String error) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("kc.sh");
        Files.writeString(script, """
                #!/bin/sh
                runs=$(cat "$0.runs" 2>/dev/null || echo 0)
                runs=$((runs + 1))
                echo "$runs" > "$0.runs"
                if [ "$runs" -le %d ]; then
                  echo "ERROR: Build failure: Build failed due to errors"
                  echo "%s"
                  exit 1
                fi
                echo "Server configuration updated"
                """.formatted(failures, error));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static int runs(Path home) throws IOException {
        return Integer.parseInt(Files.readString(home.resolve("bin/kc.sh.runs")).trim());
    }

    private static final String RACE = "\t[error]: Build step io.quarkus.hibernate.orm.deployment.HibernateOrmProcessor"
            + "#contributePersistenceXmlToJpaModel threw an exception: java.util.ConcurrentModificationException";

    @Nested
    @DisplayName("when the build fails once on Quarkus's build-step race")
    class Race {

        @Test
        @DisplayName("then it is built once more, and the second build is the outcome")
        void retriedOnce(@TempDir Path dir) throws IOException {
            Path home = distribution(dir.resolve("kc"), 1, RACE);
            DistributionRuntime runtime = new DistributionRuntime(home, dir.resolve("kc.log"));

            assertThatCode(() -> runtime.build(KeycloakServerOptions.builder().build())).doesNotThrowAnyException();

            assertThat(runs(home)).isEqualTo(2);
        }

        @Test
        @DisplayName("then a second failure fails the build, with the log's tail")
        void notRetriedTwice(@TempDir Path dir) throws IOException {
            Path home = distribution(dir.resolve("kc"), 2, RACE);
            DistributionRuntime runtime = new DistributionRuntime(home, dir.resolve("kc.log"));

            assertThatThrownBy(() -> runtime.build(KeycloakServerOptions.builder().build()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("kc.sh build failed")
                    .hasMessageContaining("ConcurrentModificationException");
            assertThat(runs(home)).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("when the build fails for any other reason, it fails at once, with the log's tail")
    void otherFailureNotRetried(@TempDir Path dir) throws IOException {
        Path home = distribution(dir.resolve("kc"), 1, "ERROR: Failed to load provider: unknown SPI option");
        DistributionRuntime runtime = new DistributionRuntime(home, dir.resolve("kc.log"));

        assertThatThrownBy(() -> runtime.build(KeycloakServerOptions.builder().build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown SPI option");
        assertThat(runs(home)).isEqualTo(1);
    }
}
