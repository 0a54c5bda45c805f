package io.inkstream.classifier.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.classifier.batching.BatchSettings;
import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.role.ModelRoles;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.ops.config.Environment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClassifierTopologyTest {
    private static final Duration WAIT = Duration.ofMillis(20);
    private static LabelledDigits digits;
    private static RegisteredModel seed;
    private static RegisteredModel v2;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> images;
    private TestInputTopic<String, byte[]> models;
    private TestOutputTopic<String, String> predictions;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestInputTopic<String, byte[]> roles;
    private TestOutputTopic<String, String> shadowPredictions;
    private SimpleMeterRegistry meters;

    @BeforeAll
    static void loadDigitsAndModels() throws Exception {
        digits = BundledMnist.validation().range(0, 200);
        seed = RegisteredModel.from(ShippedModels.DEFAULT.bytes());
        v2 = RegisteredModel.from(ShippedModels.V2.bytes());
    }

    private void start(BatchSettings batch, Optional<String> pinned) {
        start(batch, pinned, ModelTrust.anySigner());
    }

    private void start(BatchSettings batch, Optional<String> pinned, ModelTrust trust) {
        meters = new SimpleMeterRegistry();
        ModelRegistry registry = new ModelRegistry(pinned, seed, trust);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "classifier-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(ClassifierTopology.build(new ClassifierTopology.Settings(batch, registry,
                new DigitPreprocessor(), new ClassifierMetrics(meters), Clock.systemUTC())), config);
        images = driver.createInputTopic(Topics.IMAGES, new StringSerializer(), new ByteArraySerializer());
        models = driver.createInputTopic(Topics.MODELS, new StringSerializer(), new ByteArraySerializer());
        predictions = driver.createOutputTopic(Topics.PREDICTIONS, new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(Topics.IMAGES_DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        roles = driver.createInputTopic(Topics.MODEL_ROLES, new StringSerializer(), new ByteArraySerializer());
        shadowPredictions = driver.createOutputTopic(Topics.SHADOW_PREDICTIONS, new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void eachPredictionCarriesTheInputItsModelClassified() throws Exception {
        start(BatchSettings.DEFAULT, Optional.empty());
        byte[] raw = digits.images().imageBytes(0);
        images.pipeInput(new TestRecord<>("raw", raw, labelled(digits.label(0), "test-producer")));
        byte[] png = DigitRenderer.png(DigitRenderer.render(digits.images().imageBytes(1), 200, 200, 150, 25, 25, 0));
        images.pipeInput(new TestRecord<>("png", png, labelled(digits.label(1), "test-producer")));
        driver.advanceWallClockTime(WAIT);

        List<TestRecord<String, String>> records = predictions.readRecordsToList();
        assertThat(records).extracting(TestRecord::key).containsExactly("raw", "png");
        // Raw MNIST bytes are the model's input as they are: the header gives them back exactly.
        assertThat(Headers.modelInput(records.get(0).headers())).hasValueSatisfying(input -> assertThat(input).isEqualTo(raw));
        byte[] seen = Headers.modelInput(records.get(1).headers()).orElseThrow();
        assertThat(seen).hasSize(784);
        int inked = 0;
        for (byte b : seen) {
            inked += (b & 0xff) > 128 ? 1 : 0;
        }
        assertThat(inked).as("the picture's ink, fitted into 20 x 20 as MNIST's").isBetween(40, 400);
    }

    @Test
    void classifiesRealMnistDigitsSentRawAndAsPng() throws Exception {
        start(BatchSettings.DEFAULT, Optional.empty());
        for (int i = 0; i < 100; i++) {
            byte[] raw = digits.images().imageBytes(i);
            byte[] value = i % 2 == 0 ? raw : DigitRenderer.png(DigitRenderer.render(raw, 200, 200, 150, 25, 25, 0));
            images.pipeInput(new TestRecord<>("img-" + i, value, labelled(digits.label(i), "test-producer")));
        }
        driver.advanceWallClockTime(WAIT);

        List<Prediction> results = predictions();
        assertThat(results).hasSize(100);
        assertThat(results).extracting(Prediction::imageId).containsExactlyElementsOf(ids("img-", 100));
        long correct = results.stream().filter(Prediction::correct).count();
        assertThat(correct).isGreaterThanOrEqualTo(95);
        Prediction first = results.get(0);
        assertThat(first.modelVersion()).isEqualTo(seed.version());
        assertThat(first.trueLabel()).isEqualTo(digits.label(0));
        assertThat(first.source()).isEqualTo("test-producer");
        assertThat(first.submittedAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(first.probabilities()).hasSize(10);
        assertThat(first.confidence()).isEqualTo(first.probabilities().get(first.label()));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void deadLettersBadImagesWithTheirReasonAndClassifiesTheRestOfTheBatch() throws Exception {
        start(BatchSettings.DEFAULT, Optional.empty());
        BufferedImage blank = new BufferedImage(100, 100, BufferedImage.TYPE_BYTE_GRAY);
        byte[] text = "not an image".getBytes(StandardCharsets.UTF_8);
        images.pipeInput(new TestRecord<>("good-0", digits.images().imageBytes(0), labelled(digits.label(0), "p")));
        images.pipeInput(new TestRecord<>("text", text, labelled(3, "p")));
        images.pipeInput(new TestRecord<>("good-1", digits.images().imageBytes(1), labelled(digits.label(1), "p")));
        images.pipeInput(new TestRecord<>("blank", DigitRenderer.png(blank), new RecordHeaders()));
        images.pipeInput(new TestRecord<>("empty", new byte[0], new RecordHeaders()));
        images.pipeInput(new TestRecord<>((String) null, digits.images().imageBytes(2), new RecordHeaders()));
        images.pipeInput(new TestRecord<>("good-2", digits.images().imageBytes(3), labelled(digits.label(3), "p")));
        driver.advanceWallClockTime(WAIT);

        assertThat(predictions()).extracting(Prediction::imageId).containsExactly("good-0", "good-1", "good-2");
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("text", "blank", "empty", null);
        TestRecord<byte[], byte[]> first = dead.get(0);
        assertThat(first.value()).isEqualTo(text); // the original bytes, unchanged
        assertThat(header(first, Headers.LABEL)).isEqualTo("3"); // the original headers kept
        assertThat(header(first, Headers.ERROR_STAGE)).isEqualTo("preprocess");
        assertThat(header(first, Headers.ERROR_CLASS)).isEqualTo("unknown-format");
        assertThat(header(first, Headers.ERROR_MESSAGE)).contains("not a PNG, JPEG");
        assertThat(Instant.parse(header(first, Headers.FAILED_AT))).isBeforeOrEqualTo(Instant.now());
        assertThat(header(dead.get(1), Headers.ERROR_CLASS)).isEqualTo("no-ink");
        assertThat(header(dead.get(2), Headers.ERROR_CLASS)).isEqualTo("empty");
        assertThat(header(dead.get(3), Headers.ERROR_CLASS)).isEqualTo("missing-id");
        assertThat(meters.get("inkstream.classifier.dead.letters").tag("reason", "no-ink").counter().count()).isEqualTo(1);
    }

    /**
     * Any producer can write the images topic: a key that no page, correction or table can hold, and headers that would make
     * the prediction, the dead letter or the buffer's changelog record larger than their topics take, are dead-lettered before
     * anything is kept; a submitted-at no store can hold gives way to the record's timestamp.
     */
    @Test
    void deadLettersRecordsWhoseKeyOrHeadersNoTopicOrTableCouldCarry() throws Exception {
        start(BatchSettings.DEFAULT, Optional.empty());
        TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(Topics.IMAGES, new ByteArraySerializer(), new ByteArraySerializer());
        byte[] digit = digits.images().imageBytes(0);
        raw.pipeInput(new TestRecord<>(new byte[] {'i', 'm', 'g', (byte) 0xff}, digit, new RecordHeaders()));
        images.pipeInput(new TestRecord<>("x".repeat(257), digit, new RecordHeaders()));
        images.pipeInput(new TestRecord<>("é".repeat(256), digit, new RecordHeaders())); // 256 characters, 512 bytes: an id
        RecordHeaders large = new RecordHeaders();
        large.add(Headers.SOURCE, new byte[Headers.MAX_IMAGE_HEADER_BYTES]);
        images.pipeInput(new TestRecord<>("large-headers", digit, large));
        RecordHeaders farFuture = new RecordHeaders();
        farFuture.add(Headers.SUBMITTED_AT, Headers.utf8("+999999999-12-31T23:59:59Z"));
        Instant sent = Instant.parse("2026-12-05T08:00:00Z");
        images.pipeInput(new TestRecord<>("far-future", digit, farFuture, sent));
        driver.advanceWallClockTime(WAIT);

        List<Prediction> answered = predictions();
        assertThat(answered).extracting(Prediction::imageId).containsExactly("é".repeat(256), "far-future");
        assertThat(answered.get(1).submittedAt()).isEqualTo(sent);
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, Headers.ERROR_CLASS))
                .containsExactly("invalid-id", "invalid-id", "headers-too-large");
        assertThat(dead).extracting(r -> header(r, Headers.ERROR_MESSAGE)).containsExactly("the key is not UTF-8 text",
                "the key has 257 characters; an image id has at most 256",
                "the record's headers have " + (Headers.SOURCE.length() + Headers.MAX_IMAGE_HEADER_BYTES) + " bytes, more than the limit of "
                        + Headers.MAX_IMAGE_HEADER_BYTES);
        assertThat(dead.get(0).value()).isEqualTo(digit);
    }

    @Test
    void aFullBatchIsClassifiedAtOnceWithoutWaiting() {
        start(new BatchSettings(10, Duration.ofHours(1)), Optional.empty());
        for (int i = 0; i < 9; i++) {
            images.pipeInput("img-" + i, digits.images().imageBytes(i));
        }
        assertThat(predictions.isEmpty()).isTrue();

        images.pipeInput("img-9", digits.images().imageBytes(9));

        assertThat(predictions()).hasSize(10);
        assertThat(meters.get("inkstream.classifier.batch.size").summary().max()).isEqualTo(10);
    }

    @Test
    void aPartialBatchIsClassifiedWhenTheWaitIsOver() {
        start(new BatchSettings(256, Duration.ofMillis(50)), Optional.empty());
        for (int i = 0; i < 3; i++) {
            images.pipeInput("img-" + i, digits.images().imageBytes(i));
        }
        driver.advanceWallClockTime(Duration.ofMillis(10));
        assertThat(predictions.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(50));

        assertThat(predictions()).extracting(Prediction::imageId).containsExactly("img-0", "img-1", "img-2");
        assertThat(meters.get("inkstream.classifier.batch.size").summary().count()).isEqualTo(1);
    }

    @Test
    void aNewModelOnTheTopicTakesOverBetweenBatchesWithoutARestart() {
        start(BatchSettings.DEFAULT, Optional.empty());
        images.pipeInput("before", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);

        models.pipeInput(v2.version(), v2.artifact());
        images.pipeInput("after", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);

        List<Prediction> results = predictions();
        assertThat(results).extracting(Prediction::imageId, Prediction::modelVersion)
                .containsExactly(tuple("before", seed.version()),
                        tuple("after", v2.version()));
    }

    @Test
    void withTrustedKeysOnlyAModelOneOfThemSignedTakesOver() throws Exception {
        ModelSigningKey operator = ModelSigningKey.generate();
        start(BatchSettings.DEFAULT, Optional.empty(), ModelTrust.of(List.of(operator.publicKey())));
        byte[] unsigned = ShippedModels.V2.load().toBytes();
        models.pipeInput(v2.version(), unsigned);
        models.pipeInput(v2.version(), ArtifactFormat.sign(unsigned, ModelSigningKey.generate()));
        images.pipeInput("unsigned", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);

        models.pipeInput(v2.version(), ArtifactFormat.sign(unsigned, operator));
        images.pipeInput("signed", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);

        assertThat(predictions()).extracting(Prediction::imageId, Prediction::modelVersion)
                .containsExactly(tuple("unsigned", seed.version()), tuple("signed", v2.version()));
    }

    @Test
    void aBrokenArtifactOnTheTopicIsIgnoredAndTheCurrentModelStays() {
        start(BatchSettings.DEFAULT, Optional.empty());
        models.pipeInput("v-broken", "this is not a model".getBytes(StandardCharsets.UTF_8));
        byte[] truncated = Arrays.copyOf(v2.artifact(), v2.artifact().length / 3);
        models.pipeInput(v2.version(), truncated);
        images.pipeInput("img", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);

        assertThat(predictions()).extracting(Prediction::modelVersion).containsExactly(seed.version());
    }

    @Test
    void aShadowModelClassifiesTheSameImagesInTheSameBatchOnItsOwnTopicAndNeverAsTheAnswer() throws Exception {
        start(BatchSettings.DEFAULT, Optional.empty());
        models.pipeInput(v2.version(), v2.artifact());
        models.pipeInput(seed.version(), seed.artifact()); // published again: the latest, so the active one; v2 is known
        roles.pipeInput(ModelRoles.SHADOW, ModelRoles.value(Optional.of(v2.version())));
        for (int i = 0; i < 20; i++) {
            images.pipeInput("img-" + i, digits.images().imageBytes(i));
        }
        driver.advanceWallClockTime(WAIT);

        List<Prediction> answers = predictions();
        List<TestRecord<String, String>> shadows = shadowPredictions.readRecordsToList();
        assertThat(answers).extracting(Prediction::modelVersion).containsOnly(seed.version()).hasSize(20);
        assertThat(shadows).hasSize(20);
        DigitClassifier v2Network = v2.newClassifier();
        for (int i = 0; i < 20; i++) {
            Prediction shadow = PredictionJson.read(shadows.get(i).value().getBytes(StandardCharsets.UTF_8));
            assertThat(shadow.imageId()).isEqualTo(answers.get(i).imageId());
            assertThat(shadow.modelVersion()).isEqualTo(v2.version());
            assertThat(shadow.label()).as("the shadow's own answer").isEqualTo(v2Network.classify(
                    new DigitPreprocessor().preprocess(digits.images().imageBytes(i)).pixels()).label());
            assertThat(Headers.text(shadows.get(i).headers(), Headers.ACTIVE_MODEL)).contains(seed.version());
            assertThat(Headers.text(shadows.get(i).headers(), Headers.ACTIVE_LABEL)).contains(Integer.toString(answers.get(i).label()));
        }
        assertThat(meters.get("inkstream.classifier.shadow.classified").counter().count()).isEqualTo(20);
        assertThat(meters.get("inkstream.classifier.batch.size").summary().count()).as("one batch").isEqualTo(1);

        // Records that name no role or no version change nothing; then shadowing stops.
        roles.pipeInput("active", ModelRoles.value(Optional.of(seed.version())));
        roles.pipeInput(ModelRoles.SHADOW, "v2 ; rm -rf".getBytes(StandardCharsets.UTF_8));
        images.pipeInput("still-shadowed", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);
        assertThat(shadowPredictions.readRecordsToList()).extracting(TestRecord::key).containsExactly("still-shadowed");
        roles.pipeInput(ModelRoles.SHADOW, ModelRoles.value(Optional.empty()));
        images.pipeInput("not-shadowed", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);
        assertThat(shadowPredictions.isEmpty()).isTrue();
        assertThat(predictions()).extracting(Prediction::imageId).containsExactly("still-shadowed", "not-shadowed");
    }

    @Test
    void aShadowIsClassifiedOnceItsArtifactIsKnownAndNeverWhileItIsTheActiveModel() {
        start(BatchSettings.DEFAULT, Optional.empty());
        roles.pipeInput(ModelRoles.SHADOW, ModelRoles.value(Optional.of(v2.version()))); // not published yet
        images.pipeInput("unknown-shadow", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);
        assertThat(shadowPredictions.isEmpty()).isTrue();

        models.pipeInput(v2.version(), v2.artifact()); // the latest: active, so not its own shadow
        images.pipeInput("shadow-is-active", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);
        assertThat(shadowPredictions.isEmpty()).isTrue();

        models.pipeInput(seed.version(), seed.artifact());
        images.pipeInput("shadowed", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);
        assertThat(shadowPredictions.readRecordsToList()).extracting(TestRecord::key).containsExactly("shadowed");
        assertThat(predictions()).extracting(Prediction::imageId, Prediction::modelVersion).containsExactly(
                tuple("unknown-shadow", seed.version()), tuple("shadow-is-active", v2.version()), tuple("shadowed", seed.version()));
    }

    @Test
    void aPinnedModelIsUsedEvenWhenANewerOneIsPublished() {
        start(BatchSettings.DEFAULT, Optional.of(seed.version()));
        models.pipeInput(v2.version(), v2.artifact()); // newer, but not the pinned one
        images.pipeInput("img", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);

        assertThat(predictions()).extracting(Prediction::modelVersion).containsExactly(seed.version());
    }

    @Test
    void imagesWaitForAPinnedModelThatIsNotPublishedYet() {
        start(BatchSettings.DEFAULT, Optional.of(v2.version()));
        images.pipeInput("early", digits.images().imageBytes(0));
        driver.advanceWallClockTime(WAIT);
        assertThat(predictions.isEmpty()).isTrue();

        models.pipeInput(v2.version(), v2.artifact());
        driver.advanceWallClockTime(WAIT);

        assertThat(predictions()).extracting(Prediction::imageId, Prediction::modelVersion)
                .containsExactly(tuple("early", v2.version()));
    }

    /**
     * The service turns task idling off ({@code max.task.idle.ms}, see ClassifierService): idling only orders the records of
     * a task's several partitions, so that is right while every task reads one partition, as each sub-topology reading one
     * topic makes it. A second source joined into the classifier's sub-topology would fail here; the control shows such a
     * topology is seen.
     */
    @Test
    void everyTaskReadsOnePartitionOfTheImagesSoTaskIdlingHasNothingToWaitFor() {
        Topology classifier = ClassifierTopology.build(new ClassifierTopology.Settings(BatchSettings.DEFAULT,
                new ModelRegistry(Optional.empty(), seed, ModelTrust.anySigner()), new DigitPreprocessor(),
                new ClassifierMetrics(new SimpleMeterRegistry()), Clock.systemUTC()));
        assertThat(sourceTopicsBySubtopology(classifier)).containsExactly(List.of(Topics.IMAGES));
        assertThat(ClassifierService.streamsProperties(ClassifierConfig.fromEnvironment(new Environment(Map.of()))))
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);

        StreamsBuilder merged = new StreamsBuilder();
        merged.stream(Topics.IMAGES).merge(merged.stream(Topics.CORRECTIONS)).foreach((key, value) -> { });
        assertThat(sourceTopicsBySubtopology(merged.build())).as("the control: two topics into one processor")
                .containsExactly(List.of(Topics.CORRECTIONS, Topics.IMAGES));
    }

    /** The topics each sub-topology reads: a task reads one partition of each. */
    private static List<List<String>> sourceTopicsBySubtopology(Topology topology) {
        return topology.describe().subtopologies().stream()
                .map(sub -> sub.nodes().stream().filter(TopologyDescription.Source.class::isInstance)
                        .flatMap(source -> ((TopologyDescription.Source) source).topicSet().stream()).sorted().toList())
                .toList();
    }

    private List<Prediction> predictions() {
        List<Prediction> results = new ArrayList<>();
        for (String json : predictions.readValuesToList()) {
            try {
                results.add(PredictionJson.read(json.getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new AssertionError("invalid prediction JSON: " + json, e);
            }
        }
        return results;
    }

    private static RecordHeaders labelled(int label, String source) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.LABEL, Headers.utf8(Integer.toString(label)));
        headers.add(Headers.SOURCE, Headers.utf8(source));
        headers.add(Headers.SUBMITTED_AT, Headers.utf8("2026-11-25T10:00:00Z"));
        return headers;
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return Headers.text(record.headers(), name).orElse(null);
    }

    private static List<String> ids(String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }
}
