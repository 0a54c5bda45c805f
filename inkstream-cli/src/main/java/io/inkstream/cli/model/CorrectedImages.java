package io.inkstream.cli.model;

import io.inkstream.contract.correction.Correction;
import io.inkstream.contract.correction.CorrectionJson;
import io.inkstream.contract.correction.CorrectionKeys;
import io.inkstream.contract.correction.InvalidCorrectionException;
import io.inkstream.contract.correction.LabelVotes;
import io.inkstream.contract.correction.LabelledImages;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.model.data.DigitImages;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.ops.kafka.TopicScan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The images people corrected, read from the topics as the pipeline has them: each labeller's latest label of each image from
 * the compacted corrections topic, then each image's bytes from the images topic (read once, from the beginning; only the
 * corrected images are kept, preprocessed at once to their 28 x 28 input by the classifier's own preprocessing). Records that
 * are not corrections, images the preprocessing refuses and corrections of images no longer on the topic are counted, not
 * fatal. Each image keeps its labellers' votes, by which {@link #capped} takes the label most of them give (as the sink does),
 * leaves out an image they disagree on, and bounds what one labeller weighs.
 */
final class CorrectedImages {
    /** One corrected image as read: its id, its labellers' votes, the model's input it makes (784 bytes, 0-255 ink). */
    record Voted(String imageId, LabelVotes votes, byte[] input) {
    }

    /**
     * One corrected image as trained on: its id, the digit most of its labellers give, the first of them to give it (a
     * pseudonym; null if the correction names no one), the model's input it makes (784 bytes, 0-255 ink).
     */
    record Corrected(String imageId, int label, String labeller, byte[] input) {
        /** Whether this image is held out of training, to measure the new model on: the same answer for the same id, always. */
        boolean heldOut(double fraction) {
            CRC32 crc = new CRC32();
            crc.update(imageId.getBytes(StandardCharsets.UTF_8));
            return crc.getValue() % 1000 < Math.round(fraction * 1000);
        }
    }

    /**
     * @param images     the corrected images found and preprocessed, in the order of the images topic
     * @param corrected  images with a correction on the topic
     * @param invalid    corrections records skipped: not a correction, or keyed by another image or labeller
     * @param notFound   corrected images not on the images topic (deleted by retention, or never there)
     * @param refused    corrected images the preprocessing refuses
     */
    record Found(List<Voted> images, int corrected, int invalid, int notFound, int refused) {
        static LabelledDigits digits(List<Corrected> images) {
            byte[] pixels = new byte[images.size() * Headers.MODEL_INPUT_BYTES];
            byte[] labels = new byte[images.size()];
            for (int i = 0; i < images.size(); i++) {
                System.arraycopy(images.get(i).input(), 0, pixels, i * Headers.MODEL_INPUT_BYTES, Headers.MODEL_INPUT_BYTES);
                labels[i] = (byte) images.get(i).label();
            }
            return new LabelledDigits(new DigitImages(pixels, images.size(), 28, 28), labels);
        }
    }

    /**
     * @param kept            the images trained on or held out, each with the label most of its labellers give: every one whose
     *                        label first came from no named labeller, and at most the cap of each labeller not excluded
     * @param labellers       how many labellers the images count against
     * @param unnamed         images whose label first came from corrections naming no labeller (made before labellers were
     *                        named, or by a producer of the operator's own), never capped
     * @param contested       images left out because as many of their labellers give another label
     * @param leftOut         images beyond their labeller's cap
     * @param over            labellers who gave more than the cap
     * @param largest         the most images one labeller has among those kept
     * @param largestLabeller that labeller, so that the operator can exclude it; null if none is kept
     * @param excluded        images only the labellers the operator excluded labelled
     * @param dissent         the labeller who disagrees with other labellers on the most images ({@link LabelVotes#disagreeing}),
     *                        so that the operator can exclude one who relabels others' images; null if nobody disagrees
     */
    record Capped(List<Corrected> kept, int labellers, int unnamed, int contested, int leftOut, int over, int largest,
                  String largestLabeller, int excluded, Dissent dissent) {
    }

    /** A labeller who disagrees with others: on how many images, of how many it labelled (excluded labellers' not counted). */
    record Dissent(String labeller, int disagreed, int labelled) {
    }

    private CorrectedImages() {
    }

    /**
     * Each image with the label most of its labellers give, once the {@code excluded} labellers' votes are set aside; none
     * that as many labellers say is another digit; and at most {@code perLabeller} images of each labeller (the first to give
     * an image's label), the first of them on the images topic, so that the same ones stay as the topic grows. Anyone may
     * label: without the cap one person labelling thousands of images wrong, each weighing as many MNIST digits as
     * {@code --corrections-weight} says, would outweigh everyone else, and without the vote they could relabel everyone's.
     */
    static Capped capped(List<Voted> images, int perLabeller, Set<String> excluded) {
        Map<String, Integer> counts = new HashMap<>();
        List<Corrected> kept = new ArrayList<>();
        int unnamed = 0;
        int contested = 0;
        int leftOut = 0;
        int ofExcluded = 0;
        Map<String, Integer> labelled = new HashMap<>();
        Map<String, Integer> disagreed = new HashMap<>();
        for (Voted image : images) {
            LabelVotes votes = image.votes().without(excluded);
            votes.labellers().forEach(labeller -> labelled.merge(labeller, 1, Integer::sum));
            votes.disagreeing().forEach(labeller -> disagreed.merge(labeller, 1, Integer::sum));
            Optional<LabelVotes.Verdict> verdict = votes.verdict();
            if (verdict.isEmpty()) {
                ofExcluded++;
                continue;
            }
            if (verdict.get().contested()) {
                contested++;
                continue;
            }
            Corrected corrected = new Corrected(image.imageId(), verdict.get().label(), verdict.get().labeller(), image.input());
            if (corrected.labeller() == null) {
                unnamed++;
                kept.add(corrected);
                continue;
            }
            int count = counts.merge(corrected.labeller(), 1, Integer::sum);
            if (count <= perLabeller) {
                kept.add(corrected);
            } else {
                leftOut++;
            }
        }
        int over = (int) counts.values().stream().filter(count -> count > perLabeller).count();
        Optional<Map.Entry<String, Integer>> largest = counts.entrySet().stream().max(Map.Entry.comparingByValue());
        Dissent dissent = disagreed.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> new Dissent(e.getKey(), e.getValue(), labelled.get(e.getKey()))).orElse(null);
        return new Capped(kept, counts.size(), unnamed, contested, leftOut, over,
                largest.map(e -> Math.min(e.getValue(), perLabeller)).orElse(0), largest.map(Map.Entry::getKey).orElse(null), ofExcluded,
                dissent);
    }

    /** @param progress told of every record read, of both topics */
    static Found read(Properties client, DigitPreprocessor preprocessor, ProgressBar progress) {
        // Each labeller's latest label of each image, held for the whole read, counted as the sink counts them.
        LabelledImages labels = new LabelledImages();
        int[] invalid = {0};
        readToEnd(client, Topics.CORRECTIONS, 64 * 1024, record -> {
            progress.step();
            try {
                Correction correction = CorrectionJson.read(record.value());
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                if (CorrectionKeys.fits(key, correction)) {
                    // Offsets are in order within a partition, and an image's corrections share one: a labeller's latest counts.
                    labels.offer(correction, record.offset());
                } else {
                    invalid[0]++;
                }
            } catch (InvalidCorrectionException e) {
                invalid[0]++;
            }
        });
        Map<String, Voted> found = new LinkedHashMap<>();
        int[] refused = {0};
        if (labels.size() > 0) {
            readToEnd(client, Topics.IMAGES, PipelineTopics.IMAGE_MAX_MESSAGE_BYTES, record -> {
                progress.step();
                if (record.key() == null) {
                    return;
                }
                String id = new String(record.key(), StandardCharsets.UTF_8);
                Optional<LabelVotes> votes = labels.votes(id);
                if (votes.isEmpty() || found.containsKey(id)) {
                    return;
                }
                try {
                    float[] input = preprocessor.preprocess(record.value() == null ? new byte[0] : record.value()).pixels();
                    found.put(id, new Voted(id, votes.get(), Headers.modelInput(input)));
                } catch (ImageRejectedException e) {
                    refused[0]++;
                    found.put(id, null); // seen; not usable
                }
            });
        }
        List<Voted> images = new ArrayList<>();
        found.values().stream().filter(c -> c != null).forEach(images::add);
        return new Found(images, labels.size(), invalid[0], labels.size() - found.size(), refused[0]);
    }

    /** Every committed record of a topic up to its end when the read began (at most 30 minutes: the images topic may be large). */
    private static void readToEnd(Properties client, String topic, int maxFetchBytes, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties named = new Properties();
        named.putAll(client);
        named.put(ConsumerConfig.CLIENT_ID_CONFIG, "inkstream-train-" + topic);
        TopicScan.readToEnd(named, topic, maxFetchBytes, Duration.ofMinutes(30), each);
    }
}
