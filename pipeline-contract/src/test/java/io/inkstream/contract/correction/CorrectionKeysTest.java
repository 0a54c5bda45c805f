package io.inkstream.contract.correction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class CorrectionKeysTest {
    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void eachLabellerOfAnImageHasAKeyOfItsOwnAndTheyShareTheImagesPartition() {
        Correction alice = Correction.byPerson("img-1", 7, AT, "a1b2c3d4e5f60718");
        Correction bob = Correction.byPerson("img-1", 1, AT, "0f1e2d3c4b5a6978");
        Correction unnamed = Correction.byPerson("img-1", 1, AT, null);
        assertThat(CorrectionKeys.of(alice)).isEqualTo("img-1/a1b2c3d4e5f60718").isNotEqualTo(CorrectionKeys.of(bob));
        assertThat(CorrectionKeys.of(unnamed)).isEqualTo("img-1");
        for (int partitions : new int[] {1, 3, 6, 50}) {
            for (String id : new String[] {"img-1", "5f0c2d7e-33a1-4c8e-9d7b-0a1b2c3d4e5f", "ünïcödé/with/slashes"}) {
                assertThat(CorrectionKeys.partition(id, partitions)).as("what Kafka's default partitioner gives the image id")
                        .isEqualTo(BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    @Test
    void aRecordsKeyFitsItsCorrectionOnlyAsTheImageAndItsLabellerOrTheImageAlone() {
        Correction alice = Correction.byPerson("img-1", 7, AT, "a1b2c3d4e5f60718");
        assertThat(CorrectionKeys.fits("img-1/a1b2c3d4e5f60718", alice)).isTrue();
        assertThat(CorrectionKeys.fits("img-1", alice)).as("keyed by image, as before labellers had keys").isTrue();
        assertThat(CorrectionKeys.fits("img-1/0f1e2d3c4b5a6978", alice)).as("another labeller's key").isFalse();
        assertThat(CorrectionKeys.fits("img-2/a1b2c3d4e5f60718", alice)).as("another image's").isFalse();
        assertThat(CorrectionKeys.fits("img-2", alice)).isFalse();
        assertThat(CorrectionKeys.fits(null, alice)).isFalse();
        assertThat(CorrectionKeys.fits("img-1/", Correction.byPerson("img-1", 7, AT, null))).isFalse();
    }
}
