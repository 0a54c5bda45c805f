package io.inkstream.testkit.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** A Kafka cluster the pipeline can talk to: the embedded broker, or a container where Docker exists. */
public interface KafkaCluster extends AutoCloseable {

    String bootstrapServers();

    /** Client properties that reach this cluster; callers add their own on top. */
    default Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    default void createTopics(TopicSpec... specs) {
        createTopics(Arrays.asList(specs));
    }

    default void createTopics(List<TopicSpec> specs) {
        try (Admin admin = Admin.create(clientProperties())) {
            for (TopicSpec spec : specs) {
                NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(Map.copyOf(spec.configs()));
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker at " + bootstrapServers() + " did not create topics within 30 s", e);
        }
    }

    /**
     * Reads {@code topic} from the beginning ({@code read_committed}) and returns the records whose
     * UTF-8 key matches, once {@code expected} of them arrived or the deadline passed.
     */
    default List<ConsumerRecord<byte[], byte[]>> read(String topic, Predicate<String> wantedKey, int expected, Duration deadline) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end && found.size() < expected) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && wantedKey.test(new String(record.key(), StandardCharsets.UTF_8))) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Every committed record of {@code topic} whose UTF-8 key matches, read from the beginning up to
     * the end offsets as they are when called ({@code read_committed}: up to the last stable offset).
     * For "nothing lost, nothing twice" checks once the writers are idle: it never stops at an
     * expected count, so a duplicate is counted. Fails, with how far it got, when the end is not
     * reached by the deadline.
     */
    default List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic, Predicate<String> wantedKey, Duration deadline) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, deadline).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, deadline);
            long end = System.nanoTime() + deadline.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, deadline) < ends.get(tp))) {
                if (System.nanoTime() > end) {
                    Map<TopicPartition, Long> positions = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
                    partitions.forEach(tp -> positions.put(tp, consumer.position(tp)));
                    throw new AssertionError("did not read " + topic + " to its end offsets " + ends + " within " + deadline
                            + "; positions " + positions + ", " + found.size() + " matching records so far");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))
                            && record.key() != null && wantedKey.test(new String(record.key(), StandardCharsets.UTF_8))) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    @Override
    void close();
}
