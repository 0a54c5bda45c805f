package io.inkstream.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.infra.kafka.TopicSpec;
import io.inkstream.ops.kafka.GroupLag;
import io.inkstream.ops.kafka.Offsets;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * service-ops' reading of a topic's offsets and a group's lag ({@link Offsets}, {@link GroupLag}) on the real broker. They
 * are proven here because service-ops cannot start a broker of its own: local-infra, which can, would then have to be built
 * before it, and every service module after both.
 */
@ExtendWith(SharedInfrastructure.class)
class OffsetsIT {

    @Test
    void theLatestOffsetIsTheLastStableOneSoAnOpenTransactionIsNeitherCountedNorSkipped(KafkaCluster kafka) throws Exception {
        String topic = "offsets-" + UUID.randomUUID();
        kafka.createTopics(TopicSpec.of(topic, 2));
        TopicPartition first = new TopicPartition(topic, 0);
        TopicPartition second = new TopicPartition(topic, 1);
        try (Admin admin = Admin.create(kafka.clientProperties());
             KafkaProducer<String, String> plain = producer(kafka, Map.of());
             KafkaProducer<String, String> transactional = producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic))) {
            send(plain, first, 3);
            send(plain, second, 2);
            transactional.initTransactions();
            transactional.beginTransaction();
            send(transactional, first, 4);

            assertThat(Offsets.partitionsOf(admin, topic)).containsExactly(first, second);
            assertThat(Offsets.of(admin, topic, OffsetSpec.latest())).isEqualTo(Map.of(first, 3L, second, 2L));
            // The control: read as uncommitted, the open transaction's records count (the high watermark).
            assertThat(admin.listOffsets(Map.of(first, OffsetSpec.latest())).all().get().get(first).offset()).isEqualTo(7);
            assertThat(new GroupLag(admin).of("never-" + topic, topic)).as("a group that never committed, from 0").isEqualTo(5);

            transactional.commitTransaction();
            // Four records and the commit marker: where a consumer of everything stands. The coordinator writes the marker
            // after the commit returns, so the end moves a moment later.
            Map<TopicPartition, Long> ends = Offsets.of(admin, topic, OffsetSpec.latest());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ends.get(first) == 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                ends = Offsets.of(admin, topic, OffsetSpec.latest());
            }
            assertThat(ends).as("within 30 s of the commit").isEqualTo(Map.of(first, 8L, second, 2L));
        }
    }

    @Test
    void aGroupCommittedAtOffsetsStartsThereAndItsLagCountsFromThem(KafkaCluster kafka) throws Exception {
        String topic = "offsets-" + UUID.randomUUID();
        String group = "offsets-group-" + UUID.randomUUID();
        kafka.createTopics(TopicSpec.of(topic, 2));
        TopicPartition first = new TopicPartition(topic, 0);
        TopicPartition second = new TopicPartition(topic, 1);
        try (Admin admin = Admin.create(kafka.clientProperties()); KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
            send(producer, first, 3);
            send(producer, second, 2);
            assertThat(Offsets.committed(admin, group)).as("a group that never committed").isEmpty();

            Offsets.commit(admin, group, Map.of(first, 1L, second, 2L));

            assertThat(Offsets.committed(admin, group)).isEqualTo(Map.of(first, 1L, second, 2L));
            GroupLag lag = new GroupLag(admin);
            assertThat(lag.of(group, topic)).isEqualTo(2);
            assertThat(lag.remaining(group, Map.of(), Map.of(first, 2L, second, 2L))).as("a fixed stretch, to offset 2").isEqualTo(1);
            assertThat(lag.remaining("never-" + group, Map.of(first, 2L), Map.of(first, 3L, second, 2L)))
                    .as("a group that never committed, from the given start and else from 0").isEqualTo(3);
            assertThat(firstRecordsOf(kafka, group, topic, 2)).as("a consumer of the group starts at the committed offsets")
                    .containsExactlyInAnyOrder("0-1", "0-2");
        }
    }

    @Test
    void theEarliestOffsetFollowsDeletionAndATimestampFindsTheFirstRecordAtOrAfterIt(KafkaCluster kafka) throws Exception {
        String topic = "offsets-" + UUID.randomUUID();
        kafka.createTopics(TopicSpec.of(topic, 2));
        TopicPartition first = new TopicPartition(topic, 0);
        TopicPartition second = new TopicPartition(topic, 1);
        try (Admin admin = Admin.create(kafka.clientProperties()); KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
            send(producer, first, 3); // timestamps 1000, 2000, 3000
            send(producer, second, 1); // timestamp 1000
            admin.deleteRecords(Map.of(first, RecordsToDelete.beforeOffset(1))).all().get();

            assertThat(Offsets.of(admin, topic, OffsetSpec.earliest())).isEqualTo(Map.of(first, 1L, second, 0L));
            assertThat(Offsets.of(admin, topic, OffsetSpec.forTimestamp(1500))).as("none later in the second partition: -1")
                    .isEqualTo(Map.of(first, 1L, second, -1L));
            assertThat(Offsets.of(admin, topic, OffsetSpec.forTimestamp(2500))).isEqualTo(Map.of(first, 2L, second, -1L));
        }
    }

    /** Sends {@code count} records to {@code partition}, valued "partition-i" and stamped (i + 1) seconds after the epoch. */
    private static void send(KafkaProducer<String, String> producer, TopicPartition partition, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), (i + 1) * 1000L, "k" + i,
                    partition.partition() + "-" + i)).get();
        }
    }

    private static KafkaProducer<String, String> producer(KafkaCluster kafka, Map<String, String> extra) {
        Properties props = kafka.clientProperties();
        props.putAll(extra);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** The first {@code count} values a consumer of {@code group} reads; fails with what it read if fewer come within 30 s. */
    private static List<String> firstRecordsOf(KafkaCluster kafka, String group, String topic, int count) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach((ConsumerRecord<String, String> record) -> values.add(record.value()));
            }
        }
        assertThat(values).as("read by group %s within 30 s", group).hasSizeGreaterThanOrEqualTo(count);
        return values;
    }
}
