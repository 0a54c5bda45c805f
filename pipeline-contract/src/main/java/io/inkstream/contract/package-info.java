/**
 * What the stages agree on across topics: topic names and their settings, header names, the
 * prediction JSON, the ACLs each principal needs, and the cluster facts every service reads (group
 * lag, the controller quorum). Tiny on purpose: no DL4J, no Cassandra driver, no configuration
 * parsing (that is {@code service-ops}'), no HTTP (the gateway's).
 */
package io.inkstream.contract;
