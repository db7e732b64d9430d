package com.claromentis.keycloak.testing.directory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the directory servers' own command-line tools, failing with their output when they fail. */
final class Commands {

    private Commands() {
    }

    /** Runs {@code command} in {@code directory}, output appended to {@code log}; returns the output of this run. */
    static String run(Path directory, Path log, Duration timeout, Map<String, String> environment, List<String> command) {
        try {
            Path output = Files.createTempFile(directory, "command-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.writeString(log, "$ " + String.join(" ", command) + "\n" + text + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Files.delete(output);
            if (!finished) {
                throw new IllegalStateException(command.get(0) + " did not finish within " + timeout + ":\n" + tail(text));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(3, command.size())))
                        + " failed with exit code " + process.exitValue() + ":\n" + tail(text));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
    }

    /** The executable's path, looking in the sbin directories a non-login root shell may lack. */
    static Path require(String executable, String installHint) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/local/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, executable))) {
                return Path.of(dir, executable);
            }
        }
        throw new IllegalStateException("`" + executable + "` is not installed. Install it (as root) with: " + installHint);
    }

    static String tail(String text) {
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 40);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    static String tail(Path file) {
        try {
            return Files.exists(file) ? tail(Files.readString(file, StandardCharsets.UTF_8)) : "(no " + file + ")";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
