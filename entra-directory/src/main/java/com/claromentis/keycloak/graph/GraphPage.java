package com.claromentis.keycloak.graph;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One page of a Graph collection: its items, and either the link to the next page or, at the end of a delta round,
 * the delta link that asks for what changes from now on.
 */
record GraphPage(List<JsonNode> items, String nextLink, String deltaLink) {
}
