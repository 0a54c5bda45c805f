package io.inkstream.gateway.it;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.gateway.GatewayService;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.sink.SinkConfig;
import io.inkstream.sink.SinkService;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The whole pipeline for the tests of this module: classifier, sink and gateway on the shared
 * broker and Cassandra node, started once per test JVM on first use and closed at the end.
 * Inject {@link Pipeline} into a test method or a {@code @BeforeAll}.
 */
public final class RunningPipeline implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RunningPipeline.class);

    /** The three services and the infrastructure under them. */
    public record Pipeline(KafkaCluster kafka, CassandraCluster cassandra, ClassifierService classifier, SinkService sink,
                           GatewayService gateway, Path stateDir) implements AutoCloseable {
        public String url(String path) {
            return "http://127.0.0.1:" + gateway.port() + path;
        }

        /**
         * A configuration for another gateway on the same infrastructure, for tests that need different settings. It looks at
         * its key store and keys file every 200 ms, not every 5 s: the tests that renew them wait for each look.
         */
        public GatewayConfig gatewayConfig() {
            return GatewayConfig.defaults(kafka.bootstrapServers(), cassandra.contactPoint()).withPort(0)
                    .withRenewalCheck(Duration.ofMillis(200));
        }

        @Override
        public void close() {
            gateway.close();
            classifier.close();
            sink.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Pipeline.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        KafkaCluster kafka = SharedInfrastructure.kafka(context);
        CassandraCluster cassandra = SharedInfrastructure.cassandra(context);
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("pipeline", key -> start(kafka, cassandra), Pipeline.class);
    }

    private static Pipeline start(KafkaCluster kafka, CassandraCluster cassandra) {
        Path state;
        try {
            state = Files.createTempDirectory("inkstream-gateway-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        SinkService sink = SinkService.start(SinkConfig.defaults(kafka.bootstrapServers(), cassandra.contactPoint())
                .withGroupId("gateway-it-sink-" + run).withHttpPort(0));
        ClassifierService classifier = ClassifierService.start(ClassifierConfig.defaults(kafka.bootstrapServers())
                .withApplicationId("gateway-it-classifier-" + run).withHttpPort(0).withStateDir(state));
        // Live accuracy counted again after a second instead of ten: the tests that wait for it wait less; what it counts is the same.
        GatewayService gateway = GatewayService.start(GatewayConfig.defaults(kafka.bootstrapServers(), cassandra.contactPoint()).withPort(0)
                .withAccuracyRefresh(Duration.ofSeconds(1)));
        return new Pipeline(kafka, cassandra, classifier, sink, gateway, state);
    }
}
