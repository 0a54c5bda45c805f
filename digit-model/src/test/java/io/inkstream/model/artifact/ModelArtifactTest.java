package io.inkstream.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.image.artifact.Architecture;
import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.network.DigitClassifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {
    @TempDir
    Path temp;

    private final byte[] shipped = ShippedModels.SEED.bytes();

    @Test
    void aWrittenArtifactReadsBackWithIdenticalOutputs() throws Exception {
        ModelArtifact original = ModelArtifact.read(shipped);
        Path file = temp.resolve("copy/model.zip");
        original.write(file);

        ModelArtifact reread = ModelArtifact.read(file);

        assertThat(reread.metadata()).isEqualTo(original.metadata());
        DigitClassifier a = original.classifier();
        DigitClassifier b = reread.classifier();
        for (int i = 0; i < 20; i++) {
            float[] image = BundledMnist.validation().images().imageFloats(i);
            assertThat(b.classify(image).probabilities()).containsExactly(a.classify(image).probabilities());
        }
    }

    @Test
    void theVersionNamesTheWeights() throws Exception {
        ModelArtifact model = ModelArtifact.read(shipped);
        assertThat(model.version()).matches("seed-[0-9a-f]{12}");
        assertThat(ModelArtifact.versionOf(Architecture.SEED, model.network())).isEqualTo(model.version());
    }

    @Test
    void aFileLargerThanAnyArtifactIsRefusedWithoutBeingReadWhole() throws Exception {
        // The largest shipped artifact, signed, fits with room to spare; a stream without end is read only to the limit.
        assertThat(ShippedModels.V3.bytes().length).isLessThan(ArtifactFormat.MAX_ARTIFACT_BYTES);
        assertThatThrownBy(() -> ModelArtifact.read(Path.of("/dev/zero")))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessage("/dev/zero holds more than " + ArtifactFormat.MAX_ARTIFACT_BYTES + " bytes, more than any model artifact");
        Path padded = temp.resolve("padded.zip");
        Files.write(padded, Arrays.copyOf(shipped, ArtifactFormat.MAX_ARTIFACT_BYTES + 1));
        assertThatThrownBy(() -> ModelArtifact.read(padded)).hasMessageContaining("more than any model artifact");
    }

    @Test
    void refusesBytesThatAreNotAZip() {
        assertThatThrownBy(() -> ModelArtifact.read("definitely not a model".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("not a model artifact");
    }

    @Test
    void refusesATruncatedArtifact() {
        assertThatThrownBy(() -> ModelArtifact.read(Arrays.copyOf(shipped, shipped.length / 2)))
                .isInstanceOf(ModelArtifactException.class);
    }

    @Test
    void refusesAnArtifactWithoutItsNetwork() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        entries.remove(ArtifactFormat.WEIGHTS_ENTRY);
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("expected entries model.json and weights.bin");
    }

    @Test
    void refusesWeightsThatDoNotMatchTheirDigest() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        byte[] weights = entries.get(ArtifactFormat.WEIGHTS_ENTRY);
        weights[weights.length / 2] ^= 0x55;
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("is corrupt");
    }

    @Test
    void refusesAnotherArtifactFormatVersion() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        entries.put(ArtifactFormat.METADATA_ENTRY, json(entries).replace("\"formatVersion\" : 2", "\"formatVersion\" : 7")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("has artifact format 7; this build reads format 2");
    }

    @Test
    void refusesAModelForAnotherInput() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        entries.put(ArtifactFormat.METADATA_ENTRY, json(entries).replace("\"width\" : 28", "\"width\" : 32")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("expects input");
    }

    @Test
    void refusesANetworkThatIsNotTheArchitectureItClaims() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        entries.put(ArtifactFormat.METADATA_ENTRY, json(entries).replace("\"architecture\" : \"seed\"", "\"architecture\" : \"v2\"")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("claims architecture v2 [784, 256, 128, 10], 235146 weights (940584 bytes), but weights.bin holds 210600 bytes");
    }

    @Test
    void refusesMetadataThatIsNotJson() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        entries.put(ArtifactFormat.METADATA_ENTRY, "{ not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("model.json is not valid model metadata");
    }

    // What an attacker with write access to the models topic sends: each is refused with its reason,
    // before anything is deserialized and before more than an entry's cap is inflated.

    @Test
    void refusesAnEntryCarryingAJavaSerializedObjectGraphWithoutReadingIt() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        entries.put("normalizer.bin", javaSerialized(new java.util.HashSet<>(java.util.List.of("a", "b"))));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("entry 'normalizer.bin' is refused: an artifact holds model.json, weights.bin and signature.json only");
    }

    @Test
    void refusesAFormatOneArtifactWhoseNetworkDl4jWouldDeserialize() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("model.json", json(ArtifactZips.entries(shipped)).replace("\"formatVersion\" : 2", "\"formatVersion\" : 1").getBytes(StandardCharsets.UTF_8));
        entries.put("network.zip", javaSerialized(new java.util.HashSet<>(java.util.List.of("a"))));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("format 1")
                .hasMessageContaining("no longer read");
    }

    @Test
    void refusesAnEntryThatInflatesPastItsCapAfterInflatingNoMoreThanTheCap() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        byte[] bomb = new byte[64 << 20]; // 64 MiB of zeros: about 64 KiB compressed
        entries.put(ArtifactFormat.WEIGHTS_ENTRY, bomb);
        byte[] artifact = ArtifactZips.zip(entries);
        assertThat(artifact.length).isLessThan(2 << 20);
        assertThatThrownBy(() -> ModelArtifact.read(artifact))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("weights.bin inflates to more than " + ArtifactFormat.MAX_WEIGHTS_BYTES + " bytes");
    }

    @Test
    void refusesAnArtifactPaddedWithManyEntriesAtTheFirstOneItDoesNotKnow() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        for (int i = 0; i < 100; i++) {
            entries.put("padding-" + i, new byte[64 << 10]);
        }
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("entry 'padding-0' is refused");
    }

    @Test
    void refusesMetadataLargerThanItsCap() throws IOException {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        entries.put(ArtifactFormat.METADATA_ENTRY, json(entries).replace("\"seed\" : 123", "\"seed\" : 123, \"pad\" : \""
                + "x".repeat(ArtifactFormat.MAX_METADATA_BYTES) + "\"").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("model.json inflates to more than 65536 bytes");
    }

    @Test
    void refusesANotANumberWeightEvenUnderAMatchingDigest() throws Exception {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        byte[] weights = entries.get(ArtifactFormat.WEIGHTS_ENTRY);
        java.nio.ByteBuffer.wrap(weights).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(4 * 1000, Float.NaN);
        entries.put(ArtifactFormat.METADATA_ENTRY, withDigest(json(entries), weights));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("weight 1000 is NaN");
    }

    @Test
    void refusesAVersionThatDoesNotNameItsWeights() throws Exception {
        Map<String, byte[]> entries = ArtifactZips.entries(shipped);
        byte[] weights = entries.get(ArtifactFormat.WEIGHTS_ENTRY);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(weights).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putFloat(0, buffer.getFloat(0) + 0.5f); // other weights, same claimed version
        entries.put(ArtifactFormat.METADATA_ENTRY, withDigest(json(entries), weights));
        assertThatThrownBy(() -> ArtifactFormat.readMetadata(ArtifactZips.zip(entries), ModelTrust.anySigner())).isInstanceOf(ModelArtifactException.class);
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("model " + ShippedModels.SEED.load().version() + ": its weights are version seed-")
                .hasMessageContaining("a version must name its weights");
    }

    @Test
    void theShippedArtifactsPassEveryCheck() throws Exception {
        for (ShippedModels model : ShippedModels.values()) {
            ModelArtifact artifact = ModelArtifact.read(model.bytes());
            assertThat(ArtifactZips.entries(model.bytes()).keySet()).containsExactly(ArtifactFormat.METADATA_ENTRY, ArtifactFormat.WEIGHTS_ENTRY,
                    ArtifactFormat.SIGNATURE_ENTRY);
            assertThat(artifact.network().numParams()).isEqualTo(Architecture.byId(artifact.metadata().architecture()).parameterCount());
        }
    }

    private static byte[] withDigest(String json, byte[] weights) throws Exception {
        String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(weights));
        return json.replaceAll("\"weightsSha256\" : \"[0-9a-f]+\"", "\"weightsSha256\" : \"" + digest + "\"").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] javaSerialized(Object graph) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(graph);
        }
        return bytes.toByteArray();
    }

    private static String json(Map<String, byte[]> entries) {
        return new String(entries.get(ArtifactFormat.METADATA_ENTRY), StandardCharsets.UTF_8);
    }
}
