package com.claromentis.keycloak.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Command-line entry point: {@code java -jar claromentis-sandbox-*-standalone.jar --port 8090 ...}. */
public final class SandboxMain {

    private static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar claromentis-sandbox-<version>-standalone.jar [options]",
            "  --port N              port to listen on (default 8090, 0 = any free port)",
            "  --bind ADDRESS        address to bind (default 127.0.0.1)",
            "  --user NAME           HTTP Basic user name (default admin)",
            "  --password SECRET     HTTP Basic password (default admin)",
            "  --client-id ID        OAuth2 client id for /oauth/token (default sandbox-client)",
            "  --client-secret S     OAuth2 client secret (default sandbox-secret)",
            "  --token-lifetime SEC  bearer token lifetime in seconds (default 3600)",
            "  --seed FILE           JSON seed file to load at start",
            "  --generate N          create N synthetic users at start",
            "  --help                this text");

    private SandboxMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        SandboxConfig.Builder config = SandboxConfig.builder().port(8090);
        String user = "admin";
        String password = "admin";
        String clientId = "sandbox-client";
        String clientSecret = "sandbox-secret";
        Path seed = null;
        int generate = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    System.out.println(USAGE);
                    return;
                }
                String value = i + 1 < args.length ? args[++i] : fail("Missing value for " + arg);
                switch (arg) {
                    case "--port" -> config.port(Integer.parseInt(value));
                    case "--bind" -> config.bindAddress(value);
                    case "--user" -> user = value;
                    case "--password" -> password = value;
                    case "--client-id" -> clientId = value;
                    case "--client-secret" -> clientSecret = value;
                    case "--token-lifetime" -> config.tokenLifetime(Duration.ofSeconds(Long.parseLong(value)));
                    case "--seed" -> seed = Path.of(value);
                    case "--generate" -> generate = Integer.parseInt(value);
                    default -> fail("Unknown option " + arg);
                }
            }
            config.basicCredentials(user, password).clientCredentials(clientId, clientSecret);
        } catch (IllegalArgumentException e) {
            usageError(System.err, e.getMessage());
            return;
        }

        SandboxServer server = SandboxServer.start(config.build());
        try {
            if (seed != null) {
                Map<String, Object> loaded = server.seed(Exchanges.MAPPER.readTree(Files.readAllBytes(seed)));
                System.out.println("Seeded from " + seed + ": " + loaded);
            }
            if (generate > 0) {
                System.out.println("Generated " + server.generateUsers(generate, "user").size() + " users");
            }
        } catch (IOException | IllegalArgumentException e) {
            server.close();
            usageError(System.err, "Cannot load seed data: " + e.getMessage());
            return;
        }
        System.out.println("Claromentis People API v2 sandbox at " + server.apiBaseUrl()
                + " (token endpoint " + server.tokenUrl() + ", admin " + server.baseUrl() + AdminHandler.PREFIX + ")");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        stopped.await();
    }

    private static String fail(String message) {
        throw new IllegalArgumentException(message);
    }

    private static void usageError(PrintStream err, String message) {
        err.println("error: " + message);
        err.println(USAGE);
        System.exit(2);
    }
}
