package io.inkstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class ClassifierServiceTest {

    @Test
    void classifiesOnceItHasJoinedItsGroupAndThroughTheRebalancesAfter() {
        assertThat(ClassifierService.classifies(State.REBALANCING, false)).as("first joining its group, no partitions yet").isFalse();
        assertThat(ClassifierService.classifies(State.RUNNING, true)).isTrue();
        assertThat(ClassifierService.classifies(State.REBALANCING, true)).as("a rebalance of a running group").isTrue();
        assertThat(Arrays.stream(State.values()).filter(s -> s != State.RUNNING && s != State.REBALANCING))
                .as("created, stopping, stopped or failed").noneMatch(s -> ClassifierService.classifies(s, true));
    }
}
