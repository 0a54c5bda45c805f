/**
 * Real infrastructure for tests and the local run, from Maven Central and with no Docker engine:
 * an in-process single-node KRaft broker ({@link io.inkstream.testkit.kafka.LocalKafka}) and a
 * Cassandra node in a forked JVM ({@link io.inkstream.testkit.cassandra.LocalCassandra}).
 * JUnit tests receive them through {@link io.inkstream.testkit.junit.SharedInfrastructure}.
 */
package io.inkstream.testkit;
