package io.inkstream.testkit.junit;

import io.inkstream.infra.InfrastructureException;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.infra.kafka.LocalKafka;
import io.inkstream.testkit.containers.ContainerCassandra;
import io.inkstream.testkit.containers.ContainerKafka;
import io.inkstream.testkit.containers.DockerEngine;
import java.util.Optional;
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
 * JUnit closes them when the run ends.
 *
 * <p>Where no Docker engine runs, a test class that asks for containers itself
 * ({@code @UsesInfrastructure(CONTAINERS)}, a variant of an embedded test) is skipped with the
 * reason; a run asked to use containers ({@code -Dinkstream.infra=containers}) fails every test
 * with the reason instead, so it can never pass without having run anything.
 */
public final class SharedInfrastructure implements ParameterResolver, ExecutionCondition {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedInfrastructure.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Infrastructure kind = infrastructure(context);
        boolean variant = context.getTestClass().flatMap(type -> AnnotationSupport.findAnnotation(type, UsesInfrastructure.class)).isPresent();
        return decide(kind, variant, () -> dockerProblem(context));
    }

    /**
     * Runs, skips, or fails (by throwing) a test on this infrastructure.
     *
     * @param variant whether the test class chose its infrastructure itself, rather than the run
     */
    static ConditionEvaluationResult decide(Infrastructure kind, boolean variant, Supplier<Optional<String>> dockerProblem) {
        if (kind == Infrastructure.CONTAINERS) {
            Optional<String> problem = dockerProblem.get();
            if (problem.isPresent() && variant) {
                return ConditionEvaluationResult.disabled("Testcontainers variant skipped (" + problem.get() + "); the embedded broker "
                        + "and Cassandra node run the same tests");
            }
            if (problem.isPresent()) {
                throw new InfrastructureException("-D" + Infrastructure.PROPERTY + "=containers asks every test to run on containers, but "
                        + problem.get() + ". Start Docker, or run without -D" + Infrastructure.PROPERTY + " (embedded broker and node).");
            }
        }
        return ConditionEvaluationResult.enabled("infrastructure: " + kind);
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

    @SuppressWarnings("unchecked")
    private static Optional<String> dockerProblem(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("docker", k -> DockerEngine.unavailable(), Optional.class);
    }

    private static Infrastructure infrastructure(ExtensionContext context) {
        return context.getTestClass()
                .flatMap(type -> AnnotationSupport.findAnnotation(type, UsesInfrastructure.class))
                .map(UsesInfrastructure::value)
                .orElseGet(Infrastructure::fromSystemProperty);
    }
}
