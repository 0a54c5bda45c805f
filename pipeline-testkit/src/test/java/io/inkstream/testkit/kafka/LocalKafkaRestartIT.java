package io.inkstream.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.infra.kafka.LocalKafka;
import io.inkstream.infra.kafka.TopicSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `inkstream up` relies on: a broker restarted on its kept data directory has everything it had. */
class LocalKafkaRestartIT {

    @Test
    void aBrokerRestartedOnItsDataDirectoryKeepsItsTopicsAndRecords(@TempDir Path dir) throws Exception {
        String topic = "kept-" + UUID.randomUUID();
        LocalKafka.Settings settings = LocalKafka.Settings.defaults().withDataDir(dir);
        try (LocalKafka first = LocalKafka.start(settings)) {
            first.createTopics(TopicSpec.of(topic, 2));
            Properties props = first.clientProperties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
                }
            }
        }

        try (LocalKafka second = LocalKafka.start(settings)) {
            assertThat(TopicReader.read(second, topic, key -> key.startsWith("key-"), 10, Duration.ofSeconds(30))).hasSize(10);
        }
    }
}
