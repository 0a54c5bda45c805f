package io.inkstream.classifier.it;

import io.inkstream.contract.prediction.InvalidPredictionException;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.model.data.LabelledDigits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces labelled digits onto the images topic and reads predictions back, as a user's clients would. */
final class PipelineTraffic {
    private PipelineTraffic() {
    }

    /** Sends digits [from, to) as raw MNIST with ids {@code prefix + index} and the label header; returns where each one went, in order. */
    static List<RecordMetadata> produce(KafkaCluster kafka, String prefix, LabelledDigits digits, int from, int to) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        List<Future<RecordMetadata>> sent = new ArrayList<>(to - from);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(Headers.LABEL, Headers.utf8(Integer.toString(digits.label(i))));
                headers.add(Headers.SOURCE, Headers.utf8("it"));
                sent.add(producer.send(new ProducerRecord<>(Topics.IMAGES, null, prefix + i, digits.images().imageBytes(i), headers)));
            }
            producer.flush();
        }
        List<RecordMetadata> written = new ArrayList<>(sent.size());
        for (Future<RecordMetadata> each : sent) {
            try {
                written.add(each.get()); // done: flushed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while images were sent", e);
            } catch (ExecutionException e) {
                throw new AssertionError("an image was not written to " + Topics.IMAGES, e.getCause());
            }
        }
        return written;
    }

    /**
     * Reads predictions (read_committed, from the beginning) whose image id matches, until
     * {@code expected} arrived and a further second brings nothing new, or the deadline passes.
     */
    static List<Prediction> predictions(KafkaCluster kafka, Predicate<Prediction> wanted, int expected, Duration deadline) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "verify-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Prediction> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.PREDICTIONS));
            long end = System.nanoTime() + deadline.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(end, quietUntil)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        Prediction prediction = PredictionJson.read(record.value());
                        if (wanted.test(prediction)) {
                            found.add(prediction);
                            if (found.size() >= expected) {
                                quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                            }
                        }
                    } catch (InvalidPredictionException e) {
                        throw new AssertionError("invalid prediction on the topic: " + e.getMessage(), e);
                    }
                }
            }
        }
        return found;
    }
}
