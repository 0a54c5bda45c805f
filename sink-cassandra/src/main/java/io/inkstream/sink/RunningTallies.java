package io.inkstream.sink;

import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.topic.Topics;
import io.inkstream.store.PredictionTally;
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
 * the same counts. Used by the sink's one thread.
 */
final class RunningTallies {
    /** A model on one partition of the predictions topic. */
    record Key(String modelVersion, int partition) {
    }

    /** The tally as Cassandra holds it (an empty one before the first). */
    private final BiFunction<String, Integer, PredictionTally> stored;
    private final Map<Key, PredictionTally> written = new HashMap<>();
    /** Partitions of the predictions topic this sink owns now. */
    private final Set<Integer> owned = new HashSet<>();

    RunningTallies(BiFunction<String, Integer, PredictionTally> stored) {
        this.stored = stored;
    }

    /**
     * The tallies the given predictions change, each with its records counted once. The records of
     * one partition must come in offset order, as a poll returns them.
     */
    Map<Key, PredictionTally> counted(Iterable<Polled> polled) {
        Map<Key, PredictionTally> next = new LinkedHashMap<>();
        for (Polled item : polled) {
            if (item.prediction() == null) {
                continue;
            }
            ConsumerRecord<String, byte[]> record = item.record();
            Prediction prediction = item.prediction();
            Key key = new Key(prediction.modelVersion(), record.partition());
            PredictionTally before = next.containsKey(key) ? next.get(key)
                    : written.computeIfAbsent(key, k -> stored.apply(k.modelVersion(), k.partition()));
            PredictionTally after = before.count(record.offset(), prediction);
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
    void advance(Map<Key, PredictionTally> counted) {
        counted.forEach((key, tally) -> {
            if (owned.contains(key.partition())) {
                written.put(key, tally);
            }
        });
    }

    /** The partitions are this sink's now. */
    void assigned(Collection<TopicPartition> partitions) {
        partitions.stream().filter(p -> Topics.PREDICTIONS.equals(p.topic())).forEach(p -> owned.add(p.partition()));
    }

    /** The partitions went to another member: their counts will be read again if they come back. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.stream().filter(p -> Topics.PREDICTIONS.equals(p.topic())).forEach(p -> owned.remove(p.partition()));
        written.keySet().removeIf(key -> !owned.contains(key.partition()));
    }
}
