package io.inkstream.classifier.it;

import static io.inkstream.model.artifact.ArtifactZips.entries;
import static io.inkstream.model.artifact.ArtifactZips.zip;
import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.artifact.Architecture;
import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelMetadata;
import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker with write access to the models topic, using a plain producer (not our publisher):
 * forged artifacts under the current model's key. The classifier stays up, keeps classifying with
 * the model it had, takes over a legitimately published model afterwards, and starts again on that
 * topic, where format 1 hung the start for good on the first record DL4J's loader deserialized.
 */
@ExtendWith(SharedInfrastructure.class)
class HostileModelsIT {
    private static final Duration WITHIN = Duration.ofSeconds(120);

    @TempDir
    Path state;

    @Test
    void forgedArtifactsNeitherStopTheStreamNorARestartAndALegitimateModelStillTakesOver(KafkaCluster kafka) throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        String prefix = "hostile-" + UUID.randomUUID() + "-";
        // The operator's key signs the models they publish; the classifier trusts it and the project's key, as 'inkstream up' does.
        ModelSigningKey operator = ModelSigningKey.generate();
        ClassifierConfig config = ClassifierConfig.defaults(kafka.bootstrapServers())
                .withModelTrust(ModelTrust.of(List.of(ModelTrust.projectKey(), operator.publicKey())))
                .withApplicationId("hostile-models-" + UUID.randomUUID()).withHttpPort(0).withStateDir(state);
        byte[] seed = ShippedModels.SEED.bytes();
        // Two valid models: one that claims to be from 2099, published first, and one from today, published after it.
        ModelArtifact dated2099 = retrained(ModelArtifact.read(seed), 0.002f, Instant.parse("2099-01-01T00:00:00Z"));
        ModelArtifact legitimate = retrained(ModelArtifact.read(seed), 0.001f, Instant.now());

        try (ClassifierService classifier = ClassifierService.start(config)) {
            PipelineTraffic.produce(kafka, prefix + "before-", digits, 0, 50);
            assertThat(PipelineTraffic.predictions(kafka, p -> p.imageId().startsWith(prefix + "before-"), 50, WITHIN)).hasSize(50);

            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.MODELS, dated2099.version(), dated2099.toBytes(operator))).get();
            }
            awaitActive(classifier, dated2099.version());
            PipelineTraffic.produce(kafka, prefix + "dated-", digits, 200, 210);
            assertThat(PipelineTraffic.predictions(kafka, p -> p.imageId().startsWith(prefix + "dated-")
                    && p.modelVersion().equals(dated2099.version()), 10, WITHIN)).as("the model published last is active").hasSize(10);
            String inUse = dated2099.version();

            Map<String, byte[]> forged = forgedArtifacts(seed);
            forged.putAll(forgedSignatures(dated2099, operator));
            forged.put("a legitimate artifact under the current model's key", legitimate.toBytes(operator));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                    new ByteArraySerializer())) {
                for (byte[] artifact : forged.values()) {
                    producer.send(new ProducerRecord<>(Topics.MODELS, inUse, artifact)).get();
                }
            }
            PipelineTraffic.produce(kafka, prefix + "during-", digits, 50, 100);
            List<Prediction> during = PipelineTraffic.predictions(kafka, p -> p.imageId().startsWith(prefix + "during-"), 50, WITHIN);
            assertThat(during).as("classified while %s sit on the topic", forged.keySet()).hasSize(50)
                    .allSatisfy(p -> assertThat(p.modelVersion()).isEqualTo(inUse));
            assertThat(classifier.models().knownVersions()).as("no forged artifact registered").allSatisfy(v -> assertThat(v).doesNotContain("forged"));

            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.MODELS, legitimate.version(), legitimate.toBytes(operator))).get();
            }
            awaitActive(classifier, legitimate.version());
            PipelineTraffic.produce(kafka, prefix + "after-", digits, 100, 150);
            assertThat(PipelineTraffic.predictions(kafka, p -> p.imageId().startsWith(prefix + "after-")
                    && p.modelVersion().equals(legitimate.version()), 50, WITHIN))
                    .as("classified by the model published last, though another claims a later date").hasSize(50);
        }

        // A restart replays the whole compacted topic, forged records and the model dated 2099 included.
        try (ClassifierService restarted = ClassifierService.start(config)) {
            PipelineTraffic.produce(kafka, prefix + "restarted-", digits, 150, 200);
            List<Prediction> afterRestart = PipelineTraffic.predictions(kafka, p -> p.imageId().startsWith(prefix + "restarted-"), 50, WITHIN);
            assertThat(afterRestart).as("classified after a restart on the same topic").hasSize(50);
            // The latest accepted publication, not the record dated 2099, is active after the replay too.
            assertThat(restarted.models().current().orElseThrow().version()).isEqualTo(legitimate.version());
            assertThat(afterRestart).allSatisfy(p -> assertThat(p.modelVersion()).isEqualTo(legitimate.version()));
            assertThat(restarted.models().refusedCount()).as("every forged record refused again at the start").isGreaterThanOrEqualTo(11);
        }
    }

    /** Waits until the classifier's registry makes {@code version} active; fails with the one it has if it does not. */
    private static void awaitActive(ClassifierService classifier, String version) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        String active = classifier.models().current().map(m -> m.version()).orElse("none");
        while (!active.equals(version) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            active = classifier.models().current().map(m -> m.version()).orElse("none");
        }
        assertThat(active).as("the active model after publishing %s", version).isEqualTo(version);
    }

    /** The attacks, by name: each replaces the current model's record if a reader believed it. */
    private static Map<String, byte[]> forgedArtifacts(byte[] seed) throws Exception {
        Map<String, byte[]> entries = entries(seed);
        String json = new String(entries.get(ArtifactFormat.METADATA_ENTRY), StandardCharsets.UTF_8);
        byte[] weights = entries.get(ArtifactFormat.WEIGHTS_ENTRY);
        Map<String, byte[]> forged = new LinkedHashMap<>();

        // Format 1 with a deserialization bomb where DL4J's loader looks for a normalizer: ObjectInputStream never returns.
        Map<String, byte[]> legacy = new LinkedHashMap<>();
        legacy.put("model.json", json.replace("\"formatVersion\" : 2", "\"formatVersion\" : 1").getBytes(StandardCharsets.UTF_8));
        legacy.put("network.zip", zip(Map.of("normalizer.bin", deserializationBomb())));
        forged.put("format-1 with a serialized object graph", zip(legacy));

        Map<String, byte[]> withObject = new LinkedHashMap<>(entries);
        withObject.put("normalizer.bin", deserializationBomb());
        forged.put("an extra serialized-object entry", zip(withObject));

        Map<String, byte[]> bomb = new LinkedHashMap<>(entries);
        bomb.put(ArtifactFormat.WEIGHTS_ENTRY, new byte[64 << 20]);
        forged.put("weights inflating to 64 MiB", zip(bomb));

        Map<String, byte[]> padded = new LinkedHashMap<>(entries);
        for (int i = 0; i < 100; i++) {
            padded.put("pad-" + i, new byte[256 << 10]);
        }
        forged.put("a hundred padding entries", zip(padded));

        Map<String, byte[]> wrongShape = new LinkedHashMap<>(entries);
        wrongShape.put(ArtifactFormat.METADATA_ENTRY, json.replace("\"architecture\" : \"seed\"", "\"architecture\" : \"v2\"")
                .getBytes(StandardCharsets.UTF_8));
        forged.put("weights of another shape", zip(wrongShape));

        byte[] notANumber = weights.clone();
        ByteBuffer.wrap(notANumber).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN);
        Map<String, byte[]> nan = new LinkedHashMap<>(entries);
        nan.put(ArtifactFormat.WEIGHTS_ENTRY, notANumber);
        nan.put(ArtifactFormat.METADATA_ENTRY, json.replaceAll("\"weightsSha256\" : \"[0-9a-f]+\"", "\"weightsSha256\" : \""
                + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(notANumber)) + "\"")
                .getBytes(StandardCharsets.UTF_8));
        forged.put("a NaN weight under a matching digest", zip(nan));

        Map<String, byte[]> future = new LinkedHashMap<>(entries);
        byte[] otherWeights = weights.clone();
        otherWeights[40] ^= 0x01;
        future.put(ArtifactFormat.WEIGHTS_ENTRY, otherWeights);
        future.put(ArtifactFormat.METADATA_ENTRY, json.replaceAll("\"createdAt\" : \"[^\"]+\"", "\"createdAt\" : \"2099-01-01T00:00:00Z\"")
                .replaceAll("\"weightsSha256\" : \"[0-9a-f]+\"", "\"weightsSha256\" : \""
                        + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(otherWeights)) + "\"")
                .getBytes(StandardCharsets.UTF_8));
        forged.put("other weights under the current version, dated 2099", zip(future));
        return forged;
    }

    /** The current model itself, as someone without the operator's key could republish it: each would replace its record. */
    private static Map<String, byte[]> forgedSignatures(ModelArtifact current, ModelSigningKey operator) throws Exception {
        Map<String, byte[]> forged = new LinkedHashMap<>();
        forged.put("the current model, unsigned", current.toBytes());
        forged.put("the current model, signed by a stranger", current.toBytes(ModelSigningKey.generate()));
        // Signed by the operator, then its metadata changed: the signature no longer covers what the artifact says.
        Map<String, byte[]> entries = entries(current.toBytes(operator));
        String json = new String(entries.get(ArtifactFormat.METADATA_ENTRY), StandardCharsets.UTF_8);
        String changed = json.replaceAll("\"validationAccuracy\" : [0-9.]+", "\"validationAccuracy\" : 0.9999");
        assertThat(changed).as("the forged metadata differs from what was signed").isNotEqualTo(json);
        entries.put(ArtifactFormat.METADATA_ENTRY, changed.getBytes(StandardCharsets.UTF_8));
        forged.put("the operator's signature over metadata changed after", zip(entries));
        return forged;
    }

    /** The seed's architecture with one weight moved: a different model, legitimately made and named, created at {@code createdAt}. */
    private static ModelArtifact retrained(ModelArtifact seed, float shift, Instant createdAt) {
        MultiLayerNetwork network = seed.network().clone();
        network.params().putScalar(0, network.params().getFloat(0) + shift);
        String version = ModelArtifact.versionOf(Architecture.SEED, network);
        ModelMetadata m = seed.metadata();
        return new ModelArtifact(new ModelMetadata(m.formatVersion(), version, m.architecture(), m.input(), m.trainingData(),
                m.hyperParameters(), m.validationAccuracy(), m.validationSize(), createdAt, null), network);
    }

    /** Nested sets whose hash codes take 2^depth steps to compute when read back: harmless to write. */
    private static byte[] deserializationBomb() throws IOException {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("forged");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(root);
        }
        return bytes.toByteArray();
    }
}
