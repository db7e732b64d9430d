package com.claromentis.keycloak.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Choosing how the suite's Keycloak runs")
class LauncherTest {

    @Nested
    @DisplayName("when -Dit.launcher is not given (or 'auto')")
    class Auto {

        @Test
        @DisplayName("then a reachable Docker engine with Testcontainers on the class path means Testcontainers")
        void dockerMeansTestcontainers() {
            assertThat(Launcher.choose(null, () -> true, true)).isEqualTo(Launcher.TESTCONTAINERS);
            assertThat(Launcher.choose(" AUTO ", () -> true, true)).isEqualTo(Launcher.TESTCONTAINERS);
        }

        @Test
        @DisplayName("then no engine means the distribution, as here and in CI")
        void noDockerMeansDistribution() {
            assertThat(Launcher.choose(null, () -> false, true)).isEqualTo(Launcher.DISTRIBUTION);
            assertThat(Launcher.choose("", () -> false, true)).isEqualTo(Launcher.DISTRIBUTION);
        }

        @Test
        @DisplayName("then without Testcontainers on the class path (the demo, the benchmarks) Docker is not even asked")
        void noTestcontainersMeansDistribution() {
            AtomicBoolean asked = new AtomicBoolean();
            assertThat(Launcher.choose(null, () -> asked.getAndSet(true), false)).isEqualTo(Launcher.DISTRIBUTION);
            assertThat(asked).isFalse();
        }
    }

    @Nested
    @DisplayName("when -Dit.launcher names a launcher")
    class Named {

        @Test
        @DisplayName("then 'testcontainers' is used without asking for an engine (Testcontainers reports a missing one)")
        void testcontainersAsked() {
            AtomicBoolean asked = new AtomicBoolean();
            assertThat(Launcher.choose("testcontainers", () -> asked.getAndSet(true), true)).isEqualTo(Launcher.TESTCONTAINERS);
            assertThat(asked).isFalse();
        }

        @Test
        @DisplayName("then 'distribution' wins over a reachable engine")
        void distributionAsked() {
            assertThat(Launcher.choose("Distribution", () -> true, true)).isEqualTo(Launcher.DISTRIBUTION);
        }

        @Test
        @DisplayName("then 'testcontainers' without Testcontainers on the class path fails and says where it is")
        void testcontainersMissing() {
            assertThatThrownBy(() -> Launcher.choose("testcontainers", () -> true, false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("integration-tests/");
        }

        @ParameterizedTest
        @ValueSource(strings = {"docker", "testcontainer", "distribution;rm -rf /", "${it.launcher}", "\u0000"})
        @DisplayName("then any other value is refused with the values that work, not silently ignored")
        void unknownRefused(String value) {
            assertThatThrownBy(() -> Launcher.choose(value, () -> true, true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'testcontainers', 'distribution'");
        }
    }

    @Nested
    @DisplayName("when looking for a Docker engine")
    class Engine {

        @Test
        @DisplayName("then this module's test class path has Testcontainers (provided scope), as integration-tests/ does")
        void testcontainersOnTheTestClassPath() {
            assertThat(Launcher.testcontainersPresent()).isTrue();
        }

        @Test
        @DisplayName("then a DOCKER_HOST that answers /_ping with 200 is an engine")
        void tcpEngineAnswers() throws Exception {
            try (FakeEngine engine = new FakeEngine("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")) {
                assertThat(Launcher.dockerAnswers(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + engine.port()))).isTrue();
            }
        }

        @Test
        @DisplayName("then a DOCKER_HOST that answers something else, or nothing, is not")
        void otherAnswersAreNot() throws Exception {
            try (FakeEngine engine = new FakeEngine("HTTP/1.1 500 Server Error\r\n\r\n")) {
                assertThat(Launcher.dockerAnswers(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + engine.port()))).isFalse();
            }
            assertThat(Launcher.dockerAnswers(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + KeycloakServer.freePort())))
                    .isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"tcp://", "http://127.0.0.1:2375", "npipe:////./pipe/docker_engine", "::::", "tcp://host:-1"})
        @DisplayName("then a malformed or foreign DOCKER_HOST is no engine, and no error")
        void malformedDockerHost(String value) {
            assertThat(Launcher.dockerAnswers(Map.of("DOCKER_HOST", value))).isFalse();
        }

        @Test
        @DisplayName("then a unix:// DOCKER_HOST whose socket does not exist is no engine")
        void missingSocket(@TempDir Path dir) {
            assertThat(Launcher.dockerAnswers(Map.of("DOCKER_HOST", "unix://" + dir.resolve("docker.sock")))).isFalse();
        }
    }

    /** Answers each connection's first request with a fixed text, as an engine's /_ping would. */
    private static final class FakeEngine implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;

        FakeEngine(String answer) throws IOException {
            server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                        socket.getInputStream().read(new byte[256]);
                        out.write(answer.getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
