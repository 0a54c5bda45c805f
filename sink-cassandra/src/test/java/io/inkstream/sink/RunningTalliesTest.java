package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.topic.Topics;
import io.inkstream.contract.topic.Headers;
import io.inkstream.store.PredictionTally;
import io.inkstream.store.ShadowTally;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RunningTalliesTest {
    private static final TopicPartition P0 = new TopicPartition(Topics.PREDICTIONS, 0);

    /** What Cassandra holds, and how often it was read. */
    private final Map<String, PredictionTally> table = new HashMap<>();
    private final List<String> reads = new ArrayList<>();
    private final RunningTallies<PredictionTally> tallies = RunningTallies.ofPredictions((model, partition) -> {
        reads.add(model + "/" + partition);
        return table.getOrDefault(model + "/" + partition, PredictionTally.empty(model, partition));
    });

    @Test
    void countsEachOffsetOnceAcrossBatchesAndReadsTheTableOncePerAssignment() {
        tallies.assigned(List.of(P0));
        Map<RunningTallies.Key, PredictionTally> first = tallies.counted(List.of(polled(0, 10, 7, 7), polled(0, 11, 3, 5)));
        assertThat(first.values()).containsExactly(new PredictionTally("v1", 0, 11, 2, 2, 1));
        tallies.advance(first);

        // The same records again (a retry after a failed commit), then a new one: only the new one counts.
        Map<RunningTallies.Key, PredictionTally> second = tallies.counted(List.of(polled(0, 11, 3, 5), polled(0, 12, 4, 4)));
        assertThat(second.values()).containsExactly(new PredictionTally("v1", 0, 12, 3, 3, 2));
        assertThat(reads).containsExactly("v1/0");
    }

    @Test
    void aPartitionRevokedWhileItsCountsWereBeingWrittenIsReadAgainWhenItComesBack() {
        tallies.assigned(List.of(P0));
        Map<RunningTallies.Key, PredictionTally> counted = tallies.counted(List.of(polled(0, 10, 7, 7)));
        tallies.forget(List.of(P0)); // a rebalance during the write's retries
        tallies.advance(counted);

        // Meanwhile another member counted further; this sink gets the partition back and must start from there.
        table.put("v1/0", new PredictionTally("v1", 0, 500, 300, 300, 290));
        tallies.assigned(List.of(P0));
        assertThat(tallies.counted(List.of(polled(0, 501, 1, 1))).values())
                .containsExactly(new PredictionTally("v1", 0, 501, 301, 301, 291));
        assertThat(reads).containsExactly("v1/0", "v1/0");
    }

    @Test
    void shadowTalliesCountTheShadowTopicOnlyWithAgreementFromTheActiveModelsHeader() {
        RunningTallies<ShadowTally> shadows = RunningTallies.ofShadows((model, partition) -> ShadowTally.empty(model, partition));
        TopicPartition shadowP0 = new TopicPartition(Topics.SHADOW_PREDICTIONS, 0);
        shadows.assigned(List.of(P0, shadowP0));
        tallies.assigned(List.of(P0, shadowP0));
        List<Polled> batch = List.of(polled(0, 10, 7, 7), shadow(0, 10, 7, 7, "7"), shadow(0, 11, 1, 7, "7"), shadow(0, 12, 3, null, "x"));

        assertThat(shadows.counted(batch).values()).containsExactly(new ShadowTally("v1", 0, 12, 3, 1, 2, 1));
        assertThat(tallies.counted(batch).values()).as("the answers' counts never see a shadow's")
                .containsExactly(new PredictionTally("v1", 0, 10, 1, 1, 1));
    }

    private static Polled shadow(int partition, long offset, int label, Integer truth, String activeLabel) {
        Polled answer = polled(partition, offset, label, truth);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.SHADOW_PREDICTIONS, partition, offset, 0L,
                TimestampType.CREATE_TIME, 0, 0, answer.record().key(), new byte[0],
                new RecordHeaders().add(Headers.ACTIVE_LABEL, activeLabel.getBytes(StandardCharsets.UTF_8)), Optional.empty());
        return new Polled(record, answer.prediction(), null);
    }

    private static Polled polled(int partition, long offset, int label, Integer truth) {
        Prediction prediction = new Prediction(Prediction.SCHEMA, "img-" + offset, "v1", label, 0.9f, List.of(), truth, null,
                Instant.EPOCH, Instant.EPOCH);
        return new Polled(new ConsumerRecord<>(Topics.PREDICTIONS, partition, offset, "img-" + offset, new byte[0]), prediction, null);
    }
}
