package io.inkstream.cli.kafka;

import io.inkstream.ops.config.Environment;
import io.inkstream.ops.config.KafkaClientSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap}: which Kafka to talk to; the local run's broker by default. How to
 * authenticate comes from {@code INKSTREAM_KAFKA_CLIENT_*}, as for the services.
 */
public final class KafkaOption {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:INKSTREAM_KAFKA_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $INKSTREAM_KAFKA_BOOTSTRAP or localhost:9092, the local run's broker).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Client properties for this command's Kafka clients (security.protocol, sasl.*, ...), as Kafka's own tools' "
                    + "--command-config; INKSTREAM_KAFKA_CLIENT_* apply too, the file wins.")
    Path config;

    public String bootstrap() {
        return bootstrap;
    }

    public Properties clientProperties() {
        return KafkaClientSettings.base(bootstrap, sharedSettings());
    }

    /** What every Kafka client of this command takes besides the bootstrap servers: INKSTREAM_KAFKA_CLIENT_*, then the file. */
    public Properties sharedSettings() {
        Properties shared = KafkaClientSettings.fromEnvironment(Environment.system());
        if (config != null) {
            try (Reader in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                shared.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --kafka-config " + config, e);
            }
        }
        return shared;
    }
}
