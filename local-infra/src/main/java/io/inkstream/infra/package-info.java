/**
 * Real infrastructure from Maven Central and with no Docker engine, for {@code inkstream up} and
 * the tests alike: an in-process KRaft broker ({@link io.inkstream.infra.kafka.LocalKafka}) or a
 * cluster of forked ones ({@link io.inkstream.infra.kafka.LocalKafkaCluster}), and Cassandra nodes
 * in forked JVMs ({@link io.inkstream.infra.cassandra.LocalCassandra},
 * {@link io.inkstream.infra.cassandra.LocalCassandraRing}). No test code.
 */
package io.inkstream.infra;
