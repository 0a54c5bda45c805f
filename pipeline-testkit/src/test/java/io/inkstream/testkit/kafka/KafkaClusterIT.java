package io.inkstream.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.infra.kafka.TopicSpec;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared broker behaves as a real Kafka cluster: plain and transactional traffic, topic configs. */
@ExtendWith(SharedInfrastructure.class)
class KafkaClusterIT {

    @Test
    void producesAndConsumesThroughTheBroker(KafkaCluster kafka) throws Exception {
        String topic = "plain-" + UUID.randomUUID();
        kafka.createTopics(TopicSpec.of(topic, 3));

        try (KafkaProducer<String, String> producer = producer(kafka, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
            }
        }

        List<ConsumerRecord<String, String>> records = consumeAll(kafka, topic, "read_uncommitted", 30);
        assertThat(records).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(range("value-", 30));
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionsOnly(KafkaCluster kafka) throws Exception {
        String topic = "transactional-" + UUID.randomUUID();
        kafka.createTopics(TopicSpec.of(topic, 2));

        try (KafkaProducer<String, String> producer = producer(kafka, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"))) {
            producer.initTransactions();

            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "last", "committed-last"));
            producer.commitTransaction();
        }

        List<String> committed = consumeAll(kafka, topic, "read_committed", 11).stream().map(ConsumerRecord::value).toList();
        List<String> expected = new ArrayList<>(range("committed-", 10));
        expected.add("committed-last");
        assertThat(committed).containsExactlyInAnyOrderElementsOf(expected);

        List<String> everything = consumeAll(kafka, topic, "read_uncommitted", 21).stream().map(ConsumerRecord::value).toList();
        assertThat(everything).hasSize(21).containsAll(range("aborted-", 10));
    }

    @Test
    void createsTopicsWithPartitionsAndConfigs(KafkaCluster kafka) throws Exception {
        String compacted = "models-" + UUID.randomUUID();
        String forever = "images-" + UUID.randomUUID();
        kafka.createTopics(TopicSpec.of(compacted, 1).compacted(), TopicSpec.of(forever, 6).retainedForever());
        kafka.createTopics(TopicSpec.of(compacted, 1).compacted()); // already there: left as it is

        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertThat(admin.describeTopics(List.of(forever)).allTopicNames().get().get(forever).partitions()).hasSize(6);
            ConfigResource compactedResource = new ConfigResource(ConfigResource.Type.TOPIC, compacted);
            ConfigResource foreverResource = new ConfigResource(ConfigResource.Type.TOPIC, forever);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(compactedResource, foreverResource)).all().get();
            assertThat(configs.get(compactedResource).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(foreverResource).get("retention.ms").value()).isEqualTo("-1");
        }
    }

    private static KafkaProducer<String, String> producer(KafkaCluster kafka, Map<String, String> extra) {
        Properties props = kafka.clientProperties();
        props.putAll(extra);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> consumeAll(KafkaCluster kafka, String topic, String isolation, int expected) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // Keep polling a little after reaching the count, so that an unexpected extra record would show.
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && settleUntil == Long.MAX_VALUE) {
                    settleUntil = System.nanoTime() + Duration.ofMillis(500).toNanos();
                }
            }
        }
        return records;
    }

    private static List<String> range(String prefix, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }
}
