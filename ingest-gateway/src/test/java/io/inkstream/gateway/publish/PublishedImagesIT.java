package io.inkstream.gateway.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.gateway.it.Waits;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The search of the topic for a taken-over key's images, on the real broker, while the transactions on it end. */
@ExtendWith(SharedInfrastructure.class)
class PublishedImagesIT {
    /**
     * The earlier request's record is in a transaction that commits in the middle of the search: after the search's first
     * look-up of the partition (by time or for its end) and before the next. Once committed the record is on the topic
     * below the mark, so the search must read it. GatewayApiIT's late record met this by chance, one run in ten: the
     * search looked up by time (nothing committed), the transaction committed, the search then looked up the partition's
     * last stable offset (now past the record and the mark) and read nothing. Here a consumer that commits the
     * transaction after its first look-up makes it happen every time; the control is the order it saw: a look-up, the
     * commit, then at least one more.
     */
    @Test
    void aRecordCommittedBetweenTheSearchsLookUpsIsFound(KafkaCluster kafka) throws Exception {
        String topic = "published-images-" + UUID.randomUUID();
        TopicPartition partition = new TopicPartition(topic, 0);
        String id = "late-" + UUID.randomUUID();
        Instant claimed = Instant.now().minusSeconds(5);
        Properties transactional = kafka.clientProperties();
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "earlier-request-" + UUID.randomUUID());
        try (Admin admin = Admin.create(kafka.clientProperties());
             KafkaProducer<String, byte[]> earlierRequest = new KafkaProducer<>(transactional, new StringSerializer(), new ByteArraySerializer());
             KafkaProducer<String, byte[]> marker = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            earlierRequest.initTransactions();
            earlierRequest.beginTransaction();
            earlierRequest.send(new ProducerRecord<>(topic, id, new byte[784])).get(30, TimeUnit.SECONDS);
            // Where the search ends: acknowledged after the record, so every record before it is settled or will be.
            long mark = marker.send(new ProducerRecord<>(topic, "mark", new byte[0])).get(30, TimeUnit.SECONDS).offset();

            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            Hook commit = () -> {
                earlierRequest.commitTransaction();
                // The commit's marker reaches the partition after the coordinator answers: wait until committed reads pass it.
                Waits.until(() -> lastStableOffset(admin, partition), offset -> offset > mark, offset -> "last stable offset " + offset,
                        Duration.ofSeconds(30), "the commit's marker on the partition, past the mark at " + mark);
            };
            CommittingAfterFirstLookUp consumer = new CommittingAfterFirstLookUp(
                    PublishedImages.consumerProperties(kafka.clientProperties(), 1_000), commit, seen);
            try (PublishedImages search = new PublishedImages(consumer, 1_000)) {
                PublishedImages.Found found = search.findBefore(List.of(id), List.of(claimed), Duration.ofSeconds(40),
                        Map.of(partition, mark), Duration.ofSeconds(10));

                assertThat(seen).as("the control: the transaction committed between two of the search's look-ups")
                        .hasSizeGreaterThan(2).element(1).isEqualTo("commit");
                assertThat(found).isEqualTo(new PublishedImages.Found(Set.of(id), true));
            }
        }
    }

    private static long lastStableOffset(Admin admin, TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(partition).get(30, TimeUnit.SECONDS).offset();
    }

    @FunctionalInterface
    private interface Hook {
        void run() throws Exception;
    }

    /** A real consumer that ends a transaction right after its first look-up of offsets, and notes every look-up. */
    private static final class CommittingAfterFirstLookUp extends KafkaConsumer<String, byte[]> {
        private final Hook commit;
        private final List<String> seen;

        CommittingAfterFirstLookUp(Properties properties, Hook commit, List<String> seen) {
            super(properties, new StringDeserializer(), new ByteArrayDeserializer());
            this.commit = commit;
            this.seen = seen;
        }

        @Override
        public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> times, Duration timeout) {
            Map<TopicPartition, OffsetAndTimestamp> found = super.offsetsForTimes(times, timeout);
            lookedUp("by time");
            return found;
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
            Map<TopicPartition, Long> ends = super.endOffsets(partitions, timeout);
            lookedUp("end");
            return ends;
        }

        private void lookedUp(String what) {
            seen.add(what);
            if (seen.size() == 1) {
                try {
                    commit.run();
                } catch (Exception e) {
                    throw new AssertionError("the transaction did not commit", e);
                }
                seen.add("commit");
            }
        }
    }
}
