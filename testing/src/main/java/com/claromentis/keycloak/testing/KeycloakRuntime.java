package com.claromentis.keycloak.testing;

import java.util.List;
import java.util.OptionalLong;

/**
 * How a {@link KeycloakServer}'s Keycloak runs: {@code kc.sh} of the unpacked distribution
 * ({@link DistributionRuntime}), or the official image in a container ({@link ContainerRuntime}). Both read the
 * same {@code conf/keycloak.conf} the server writes, so a test sees the same server either way.
 */
interface KeycloakRuntime {

    /** Prepares what {@link #start} runs, once per server (the distribution's {@code kc.sh build}). */
    void build(KeycloakServerOptions options);

    /**
     * Runs another {@code kc.sh} command (export, import) on the stopped server's configuration and data and waits for
     * it; fails with the log's tail when it does not succeed.
     */
    void command(KeycloakServerOptions options, List<String> arguments);

    /** Starts Keycloak; returns at once, the server waits for its readiness. */
    void start(KeycloakServerOptions options);

    boolean isAlive();

    /** Why it is no longer alive, for failure messages. */
    String exitDescription();

    /** The pid of Keycloak's JVM on this host; empty when it is not running or not a process of this host. */
    OptionalLong javaPid();

    /** Ends it without a clean shutdown, as a crash would. */
    void kill();

    /** Ends it cleanly; nothing when it does not run. */
    void stop();
}
