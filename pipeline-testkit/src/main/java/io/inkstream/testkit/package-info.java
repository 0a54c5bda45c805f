/**
 * What the tests share on top of {@code local-infra}: JUnit tests receive one broker and one
 * Cassandra node per test JVM through {@link io.inkstream.testkit.junit.SharedInfrastructure} (or
 * containers, with {@code -Dinkstream.infra=containers}), and read topics back with
 * {@link io.inkstream.testkit.kafka.TopicReader}, and check what a config's copies change with
 * {@link io.inkstream.testkit.ChangedComponents}. No production module depends on this one.
 */
package io.inkstream.testkit;
