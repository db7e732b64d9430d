package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The dev-file (H2) database of a running {@link KeycloakServer}, opened from the test JVM for what no API shows
 * or changes, e.g. a lease row another node would hold. The server must open it with H2's automatic mixed mode
 * ({@code db-url-properties=;AUTO_SERVER=TRUE;DB_CLOSE_ON_EXIT=TRUE}, as the integration tests' suite options have
 * it, with {@code db-username} and {@code db-password}): then Keycloak's
 * own H2 serves this second process over TCP while the server runs. Each call is one auto-committed statement on a
 * connection of its own.
 */
public final class DevFileDatabase {

    private final String url;
    private final String username;
    private final String password;

    private DevFileDatabase(String url, String username, String password) {
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /**
     * The database of {@code server}, which must run with the harness's default {@code db=dev-file} and name its
     * account ({@code db-username}, {@code db-password}) in its {@code keycloak.conf}.
     */
    public static DevFileDatabase of(KeycloakServer server) {
        Path file = server.home().resolve("data/h2/keycloakdb");
        if (!Files.isRegularFile(file.resolveSibling("keycloakdb.mv.db"))) {
            throw new IllegalStateException("No dev-file database at " + file + ": does the server run with db=dev-file?");
        }
        Properties conf = new Properties();
        Path confFile = server.home().resolve("conf/keycloak.conf");
        try (var in = Files.newInputStream(confFile)) {
            conf.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + confFile, e);
        }
        String username = conf.getProperty("db-username");
        String password = conf.getProperty("db-password");
        if (username == null || password == null) {
            throw new IllegalStateException(confFile + " names no db-username and db-password for the dev-file database");
        }
        return new DevFileDatabase("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE", username, password);
    }

    /** Runs an insert, update or delete with {@code ?} parameters; returns the rows it changed. */
    public int update(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run '" + sql + "' on " + url, e);
        }
    }

    /** The first column of the first row of a query with {@code ?} parameters, e.g. a count. */
    public long queryLong(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new IllegalStateException("No row from '" + sql + "'");
            }
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run '" + sql + "' on " + url, e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, username, password);
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }
}
