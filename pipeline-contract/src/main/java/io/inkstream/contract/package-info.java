/**
 * What the stages agree on across topics: topic names and their settings, header names, the
 * prediction JSON, and the ACLs each principal needs on them. Tiny on purpose: no DL4J, no
 * Cassandra driver, no configuration parsing and no cluster checks (those are {@code service-ops}'),
 * no HTTP (the gateway's).
 */
package io.inkstream.contract;
