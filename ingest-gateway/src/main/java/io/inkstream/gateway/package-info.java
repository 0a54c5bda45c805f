/**
 * The upload gateway (issue 6): the web page, the REST API, the idempotent Kafka producer,
 * and answers read from Cassandra.
 */
package io.inkstream.gateway;
