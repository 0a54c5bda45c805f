package io.inkstream.sink;

import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.store.PredictionTally;
import io.inkstream.store.ShadowTally;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The live-accuracy counts of the partitions this sink owns, per (model, partition), as last
 * written. A tally is read from Cassandra the first time its (model, partition) is met after an
 * assignment, and forgotten when the partition goes, so another instance's counts are never
 * overwritten with stale ones. Counting is split from advancing: the counts of a batch are
 * computed, written, and only then become this sink's state, so a failed write is retried from
 * the same counts. Used by the sink's one thread. One per counted topic: the predictions ({@link PredictionTally}) and the
 * shadow model's ({@link ShadowTally}).
 *
 * @param <T> the tally kept per (model, partition)
 */
final class RunningTallies<T> {
    /** A model on one partition of the counted topic. */
    record Key(String modelVersion, int partition) {
    }

    /** How a tally counts one record: the same tally if its offset is already counted. */
    @FunctionalInterface
    interface Counting<T> {
        T count(T before, long offset, Polled item);
    }

    private final String topic;
    /** The tally as Cassandra holds it (an empty one before the first). */
    private final BiFunction<String, Integer, T> stored;
    private final Counting<T> counting;
    private final Map<Key, T> written = new HashMap<>();
    /** Partitions of the counted topic this sink owns now. */
    private final Set<Integer> owned = new HashSet<>();

    private RunningTallies(String topic, BiFunction<String, Integer, T> stored, Counting<T> counting) {
        this.topic = topic;
        this.stored = stored;
        this.counting = counting;
    }

    /** Live accuracy of the models that answer: the predictions topic. */
    static RunningTallies<PredictionTally> ofPredictions(BiFunction<String, Integer, PredictionTally> stored) {
        return new RunningTallies<>(Topics.PREDICTIONS, stored, (before, offset, item) -> before.count(offset, item.prediction()));
    }

    /** A shadow model's agreement and accuracy: the shadow predictions topic, each record with the active model's answer. */
    static RunningTallies<ShadowTally> ofShadows(BiFunction<String, Integer, ShadowTally> stored) {
        return new RunningTallies<>(Topics.SHADOW_PREDICTIONS, stored, (before, offset, item) -> before.count(offset, item.prediction(),
                Headers.activeLabel(item.record().headers()).orElse(null)));
    }

    /**
     * The tallies the given predictions change, each with its records counted once. The records of
     * one partition must come in offset order, as a poll returns them.
     */
    Map<Key, T> counted(Iterable<Polled> polled) {
        Map<Key, T> next = new LinkedHashMap<>();
        for (Polled item : polled) {
            ConsumerRecord<String, byte[]> record = item.record();
            if (item.prediction() == null || !topic.equals(record.topic())) {
                continue;
            }
            Key key = new Key(item.prediction().modelVersion(), record.partition());
            T before = next.containsKey(key) ? next.get(key)
                    : written.computeIfAbsent(key, k -> stored.apply(k.modelVersion(), k.partition()));
            T after = counting.count(before, record.offset(), item);
            if (after != before) {
                next.put(key, after);
            }
        }
        return next;
    }

    /**
     * The counts are written: they are what this sink counts on from, for the partitions it still
     * owns. A partition revoked meanwhile (a rebalance while a write was retried) is not kept: its
     * next owner may count further, and this sink reads it again if it comes back.
     */
    void advance(Map<Key, T> counted) {
        counted.forEach((key, tally) -> {
            if (owned.contains(key.partition())) {
                written.put(key, tally);
            }
        });
    }

    /** The partitions are this sink's now. */
    void assigned(Collection<TopicPartition> partitions) {
        partitions.stream().filter(p -> topic.equals(p.topic())).forEach(p -> owned.add(p.partition()));
    }

    /** The partitions went to another member: their counts will be read again if they come back. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.stream().filter(p -> topic.equals(p.topic())).forEach(p -> owned.remove(p.partition()));
        written.keySet().removeIf(key -> !owned.contains(key.partition()));
    }
}
