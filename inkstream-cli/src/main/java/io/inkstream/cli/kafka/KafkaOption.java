package io.inkstream.cli.kafka;

import java.util.Properties;
import picocli.CommandLine.Option;

/** {@code --bootstrap}: which Kafka to talk to; the local run's broker by default. */
public final class KafkaOption {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:INKSTREAM_KAFKA_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $INKSTREAM_KAFKA_BOOTSTRAP or localhost:9092, the local run's broker).")
    String bootstrap;

    public String bootstrap() {
        return bootstrap;
    }

    public Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        return props;
    }
}
