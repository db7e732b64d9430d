package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.Postgres;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Keycloak asked of its PostgreSQL database during one step, from {@code pg_stat_statements} (loaded at the
 * server's start): statements executed and rows they wrote, by kind and table. Counted on the server, so it sees
 * every statement Hibernate sends, whatever batching or caching happened in the Keycloak JVM; it includes
 * statements of Keycloak's own background work during the step (a handful per minute).
 */
final class DatabaseStatements {

    static final Map<String, String> SERVER_SETTINGS = Map.of(
            "shared_preload_libraries", "pg_stat_statements",
            "pg_stat_statements.max", "10000");

    private static final String KEYCLOAK_DATABASE = "keycloak";

    private final Postgres postgres;
    private final String database;

    /**
     * The counter of a fresh PostgreSQL that {@code options} now name as Keycloak's database when the run asked for
     * {@link Knobs#POSTGRES}; null on {@code dev-file}, where there is nothing to count.
     */
    static DatabaseStatements ifChosen(BenchmarkRun run, String database, KeycloakServerOptions.Builder options) {
        return Knobs.POSTGRES.equals(database) ? forKeycloak(run, options) : null;
    }

    /**
     * Starts a fresh PostgreSQL for the run (stopped with it), points {@code options} at it as Keycloak's database
     * and returns its counter.
     */
    private static DatabaseStatements forKeycloak(BenchmarkRun run, KeycloakServerOptions.Builder options) {
        Postgres postgres = run.keep(Postgres.start(SERVER_SETTINGS));
        options.option("db", "postgres")
                .option("db-url", postgres.createDatabase(KEYCLOAK_DATABASE))
                .option("db-username", Postgres.USERNAME)
                .option("db-password", Postgres.PASSWORD);
        return new DatabaseStatements(postgres, KEYCLOAK_DATABASE);
    }

    private DatabaseStatements(Postgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
        postgres.psql(database, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    }

    /** The server's main process id (its backends are its children), for {@link CpuAccount}; -1 if it is gone. */
    long pid() {
        return postgres.process().map(ProcessHandle::pid).orElse(-1L);
    }

    /**
     * Vacuums and analyses Keycloak's database and writes a checkpoint: the tables grow by thousands of rows between
     * timed steps, and PostgreSQL's autovacuum would otherwise fall on whichever step came next (in one run, the same
     * sync's PostgreSQL CPU went from 10 to 40 s with it). Run between timed steps, never inside one. Autovacuum
     * stays on: its analyses are what teach the planner, during a sync into a new realm, that the realm is no longer
     * empty (without them Keycloak's look-up of a user by attribute turned into a scan of the realm's users).
     */
    void settle() {
        postgres.psql(database, "VACUUM ANALYZE");
        postgres.psql(database, "CHECKPOINT");
    }

    void reset() {
        postgres.psql(database, "SELECT pg_stat_statements_reset()");
    }

    /**
     * Counts since the last {@link #reset()}. The kind is the statement's first word (select, insert, update,
     * delete, commit, ...); the table the first one named after into, update or from.
     */
    Counts read() {
        String rows = postgres.psql(database, """
                SELECT lower(split_part(ltrim(query), ' ', 1)),
                       coalesce(substring(lower(query) from '(?:into|update|from)\\s+([a-z_]+)'), '-'),
                       sum(calls), sum(rows)
                FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND query NOT ILIKE '%pg_stat_statements%'
                GROUP BY 1, 2""");
        Map<String, long[]> byKindAndTable = new TreeMap<>();
        rows.lines().filter(line -> !line.isBlank()).forEach(line -> {
            String[] cells = line.split("\\|");
            byKindAndTable.put(cells[0] + " " + cells[1],
                    new long[]{Long.parseLong(cells[2].trim()), Long.parseLong(cells[3].trim())});
        });
        return new Counts(byKindAndTable);
    }

    /** Statements and rows by "kind table", e.g. {@code "insert user_attribute" -> [calls, rows]}. */
    record Counts(Map<String, long[]> byKindAndTable) {

        static final Counts NONE = new Counts(Map.of());
        private static final java.util.Set<String> BOOKKEEPING = java.util.Set.of("component_config", "component",
                "server_config", "claromentis_lease", "offline_user_session", "offline_client_session");

        private static boolean isQuery(String key) {
            return key.startsWith("select ") || isWrite(key);
        }

        private static boolean isWrite(String key) {
            return key.startsWith("insert ") || key.startsWith("update ") || key.startsWith("delete ");
        }

        /** select, insert, update and delete statements (transaction control not counted). */
        long statements() {
            return byKindAndTable.entrySet().stream().filter(e -> isQuery(e.getKey())).mapToLong(e -> e.getValue()[0]).sum();
        }

        /** Rows inserted, updated or deleted. */
        long rowsWritten() {
            return byKindAndTable.entrySet().stream().filter(e -> isWrite(e.getKey())).mapToLong(e -> e.getValue()[1]).sum();
        }

        long commits() {
            return byKindAndTable.entrySet().stream().filter(e -> e.getKey().startsWith("commit")).mapToLong(e -> e.getValue()[0]).sum();
        }

        /**
         * Rows written outside the tables where Keycloak and the bundle keep a sync's own bookkeeping (Keycloak
         * rewrites the provider's component configuration to save the last-sync time; the bundle takes the sync's
         * lease and records the run in the server configuration; Keycloak 26 stores the session of the administrator
         * who asked for the sync): the rows that would grow with the people.
         */
        long rowsWrittenForPeople() {
            return rowsWrittenByTable().entrySet().stream().filter(e -> !BOOKKEEPING.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
        }

        /** Rows written per table, e.g. {@code user_attribute -> 70000}, largest first. */
        Map<String, Long> rowsWrittenByTable() {
            Map<String, Long> byTable = new TreeMap<>();
            byKindAndTable.forEach((key, value) -> {
                if (isWrite(key)) {
                    byTable.merge(key.substring(key.indexOf(' ') + 1), value[1], Long::sum);
                }
            });
            Map<String, Long> sorted = new LinkedHashMap<>();
            byTable.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return sorted;
        }

        /** "select user_entity: 2.0, insert user_attribute: 7.0, ..." per {@code users}, statements of over 0.05 each. */
        String perUser(int users) {
            StringBuilder text = new StringBuilder();
            byKindAndTable.entrySet().stream().filter(e -> isQuery(e.getKey()))
                    .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                    .filter(e -> e.getValue()[0] / (double) users >= 0.05)
                    .forEach(e -> text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f",
                            e.getKey(), e.getValue()[0] / (double) users)));
            return text.toString();
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("statements", statements());
            json.put("rowsWritten", rowsWritten());
            json.put("rowsWrittenForPeople", rowsWrittenForPeople());
            json.put("rowsWrittenByTable", rowsWrittenByTable());
            json.put("commits", commits());
            Map<String, Object> detail = new LinkedHashMap<>();
            byKindAndTable.forEach((key, value) -> detail.put(key, Map.of("calls", value[0], "rows", value[1])));
            json.put("byKindAndTable", detail);
            return json;
        }
    }
}
