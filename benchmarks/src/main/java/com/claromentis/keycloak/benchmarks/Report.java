package com.claromentis.keycloak.benchmarks;

import java.util.Map;

/** The figures of one benchmark run: markdown for the console and the README, JSON for anything comparing runs. */
interface Report {

    /** File name stem under the results directory, e.g. {@code results} for results.md and results.json. */
    String fileName();

    /** First heading of the markdown file. */
    String title();

    String markdown();

    Map<String, Object> json();
}
