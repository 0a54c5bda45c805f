package io.inkstream.gateway.events;

import io.inkstream.contract.prediction.InvalidPredictionException;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.ops.DaemonThreads;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predictions as the classifier commits them, for the gateway's event streams ({@code GET /api/events}): every instance
 * follows the whole predictions topic from its end (assigned, no group, committed records only) and hands each prediction to
 * the subscribers that asked for its image, or for all. Only a lookup per prediction when nobody listens. A record that is
 * not a prediction is skipped (the sink dead-letters it).
 */
public final class PredictionEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PredictionEvents.class);

    /** Told of a prediction: the prediction, and whether its record carries what the model saw. */
    public interface Subscriber extends BiConsumer<Prediction, Boolean> {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final ConcurrentHashMap<String, Set<Subscriber>> byImage = new ConcurrentHashMap<>();
    private final Set<Subscriber> everything = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread follower;

    private PredictionEvents(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
        this.follower = DaemonThreads.named("prediction-events").newThread(this::follow);
    }

    /** @param client where the cluster is and how to reach it ({@code GatewayConfig.kafkaClientBase}) */
    public static PredictionEvents start(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Predictions of transactions the classifier committed: an aborted one was never made.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "inkstream-gateway-events");
        PredictionEvents events = new PredictionEvents(new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer()));
        events.follower.start();
        return events;
    }

    /** Tells {@code subscriber} of every prediction of these images from now on (of every image, when {@code imageIds} is empty). */
    public void subscribe(Subscriber subscriber, List<String> imageIds) {
        if (imageIds.isEmpty()) {
            everything.add(subscriber);
        }
        for (String id : imageIds) {
            byImage.computeIfAbsent(id, key -> ConcurrentHashMap.newKeySet()).add(subscriber);
        }
    }

    public void unsubscribe(Subscriber subscriber, List<String> imageIds) {
        everything.remove(subscriber);
        for (String id : imageIds) {
            byImage.computeIfPresent(id, (key, subscribers) -> {
                subscribers.remove(subscriber);
                return subscribers.isEmpty() ? null : subscribers;
            });
        }
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PREDICTIONS, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions); // what is stored already is asked for with GET /api/images
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    deliver(record);
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } catch (RuntimeException e) {
            log.error("prediction events stopped following the predictions topic: {}", e.getMessage(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void deliver(ConsumerRecord<String, byte[]> record) {
        Set<Subscriber> forImage = record.key() == null ? null : byImage.get(record.key());
        if (everything.isEmpty() && forImage == null) {
            return; // nobody listens: the record is not even parsed
        }
        Prediction prediction;
        try {
            prediction = PredictionJson.read(record.value());
        } catch (InvalidPredictionException e) {
            return;
        }
        boolean hasInput = Headers.modelInput(record.headers()).isPresent();
        everything.forEach(subscriber -> subscriber.accept(prediction, hasInput));
        if (forImage != null) {
            forImage.forEach(subscriber -> subscriber.accept(prediction, hasInput));
        }
    }

    /** Whether the topic is still followed: health reports it. */
    public boolean following() {
        return follower.isAlive();
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            follower.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
