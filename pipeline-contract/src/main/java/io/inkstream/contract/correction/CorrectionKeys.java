package io.inkstream.contract.correction;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * How a correction is keyed and partitioned on the compacted corrections topic. The key is the image id, then {@code /} and
 * the labeller when the correction names one: compaction keeps each labeller's latest label of an image, and one labeller's
 * label never replaces another's (with the image id alone as the key, anyone who may label could have replaced everyone's
 * label of an image with theirs). Every correction of an image goes to one partition, the one a record keyed by the image id
 * alone goes to, so that an image's corrections are in order. A labeller has no {@code /} ({@link CorrectionJson}), so two
 * corrections that name labellers have the same key only if they have the same image and labeller. (One that names none, keyed
 * by its image id alone, shares its key with one naming a labeller of an image whose id is the part before a {@code /}:
 * {@code a/b} unnamed and {@code a} by {@code b}. Only a producer of the operator's own writes corrections naming none.)
 */
public final class CorrectionKeys {
    private static final char SEPARATOR = '/';

    private CorrectionKeys() {
    }

    /** The key of this correction on the corrections topic. */
    public static String of(Correction correction) {
        return correction.labeller() == null ? correction.imageId() : correction.imageId() + SEPARATOR + correction.labeller();
    }

    /**
     * Whether a record's key fits its correction: the key {@link #of} gives, or the image id alone (the key of every correction
     * made before 2026-12-06, and of a producer of the operator's own that keys by image). Any other key is refused: a record
     * could otherwise be compacted away by, or take the place of, a correction of another image.
     */
    public static boolean fits(String key, Correction correction) {
        return key != null && (key.equals(correction.imageId()) || key.equals(of(correction)));
    }

    /**
     * The partition of an image's corrections among {@code partitions}: the one Kafka's default partitioner gives a record
     * keyed by the image id (murmur2 of its UTF-8 bytes), so corrections keyed by image alone and those keyed by image and
     * labeller share it.
     */
    public static int partition(String imageId, int partitions) {
        return Utils.toPositive(Utils.murmur2(imageId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
