package io.inkstream.testkit.containers;

import io.inkstream.infra.kafka.KafkaCluster;
import org.testcontainers.kafka.KafkaContainer;

/** The official apache/kafka image (KRaft, one node) through Testcontainers, for machines with a Docker engine. */
public final class ContainerKafka implements KafkaCluster {
    public static final String IMAGE = "apache/kafka:4.1.1";

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    @SuppressWarnings("resource") // closed by close()
    public static ContainerKafka start() {
        KafkaContainer container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new ContainerKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
