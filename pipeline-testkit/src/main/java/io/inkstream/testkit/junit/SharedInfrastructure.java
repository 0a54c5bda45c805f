package io.inkstream.testkit.junit;

import io.inkstream.testkit.cassandra.CassandraCluster;
import io.inkstream.testkit.cassandra.LocalCassandra;
import io.inkstream.testkit.containers.ContainerCassandra;
import io.inkstream.testkit.containers.ContainerKafka;
import io.inkstream.testkit.containers.DockerEngine;
import io.inkstream.testkit.kafka.KafkaCluster;
import io.inkstream.testkit.kafka.LocalKafka;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Injects a {@link KafkaCluster} and a {@link CassandraCluster} into test methods and constructors.
 * Each is started once per test JVM, on first use, and shared by every test class of the module;
 * JUnit closes them when the run ends. Container variants are skipped, with the reason, where no
 * Docker engine runs.
 */
public final class SharedInfrastructure implements ParameterResolver, ExecutionCondition {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedInfrastructure.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (infrastructure(context) == Infrastructure.CONTAINERS && !dockerAvailable(context)) {
            return ConditionEvaluationResult.disabled("Testcontainers variant skipped: no Docker engine is reachable on this "
                    + "machine; the embedded broker and Cassandra node run the same tests");
        }
        return ConditionEvaluationResult.enabled("infrastructure: " + infrastructure(context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaCluster.class || type == CassandraCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class ? kafka(context) : cassandra(context);
    }

    /** The test run's broker, for extensions that build on it (a pipeline of services started once per run). */
    public static KafkaCluster kafka(ExtensionContext context) {
        Infrastructure kind = infrastructure(context);
        return shared(context, "kafka-" + kind, KafkaCluster.class, kind == Infrastructure.EMBEDDED ? LocalKafka::start : ContainerKafka::start);
    }

    /** The test run's Cassandra node. */
    public static CassandraCluster cassandra(ExtensionContext context) {
        Infrastructure kind = infrastructure(context);
        return shared(context, "cassandra-" + kind, CassandraCluster.class,
                kind == Infrastructure.EMBEDDED ? LocalCassandra::start : ContainerCassandra::start);
    }

    private static <T extends AutoCloseable> T shared(ExtensionContext context, String key, Class<T> type, Supplier<? extends T> starter) {
        // The root store lives for the whole test run and closes its AutoCloseable values at the end.
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(key, k -> starter.get(), type);
    }

    private static boolean dockerAvailable(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("docker", k -> DockerEngine.available(), Boolean.class);
    }

    private static Infrastructure infrastructure(ExtensionContext context) {
        return context.getTestClass()
                .flatMap(type -> AnnotationSupport.findAnnotation(type, UsesInfrastructure.class))
                .map(UsesInfrastructure::value)
                .orElseGet(Infrastructure::fromSystemProperty);
    }
}
