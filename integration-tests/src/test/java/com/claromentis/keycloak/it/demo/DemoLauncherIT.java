package com.claromentis.keycloak.it.demo;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README command one as a new user runs it: {@code run-demo.sh} starts the demo with plain {@code java} on the demo
 * module's written runtime classpath, not the test classpath, so a library that only the tests bring along shows
 * here. Runs the launcher in smoke mode (start everything, print the summary, stop) on the demo's own ports.
 */
@DisplayName("Given the demo launcher that run-demo.sh starts")
class DemoLauncherIT {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    @Test
    @DisplayName("when it starts the whole stack on its runtime classpath alone, then it prints where to sign in and stops cleanly")
    void smoke() throws Exception {
        Path demo = ROOT.resolve("demo/target");
        Path classpath = demo.resolve("classpath.txt");
        assertThat(classpath).as("written by the demo module's package phase").exists();
        Path work = Path.of("target/demo-launcher").toAbsolutePath();
        Path output = Files.createDirectories(work).resolve("output.txt");
        Process launcher = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp", demo.resolve("classes") + java.io.File.pathSeparator
                        + Files.readString(classpath, StandardCharsets.UTF_8).trim(),
                "-Ddemo.properties=" + demo.resolve("demo.properties"),
                "-Ddemo.work.dir=" + work.resolve("stack"),
                "com.claromentis.keycloak.demo.DemoStack", "--smoke"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();

        boolean ended = launcher.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(ended).as("the launcher stopped by itself:\n" + printed).isTrue();
        assertThat(launcher.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Claromentis demo stack is running.")
                .contains("http://localhost:8080/realms/claromentis/account/")
                .contains("66 imported users")
                .doesNotContain("NoClassDefFoundError");
    }
}
