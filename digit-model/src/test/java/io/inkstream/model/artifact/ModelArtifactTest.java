package io.inkstream.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.network.Architecture;
import io.inkstream.model.network.DigitClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {
    @TempDir
    Path temp;

    private final byte[] shipped = ShippedModels.DEFAULT.bytes();

    @Test
    void aWrittenArtifactReadsBackWithIdenticalOutputs() throws Exception {
        ModelArtifact original = ModelArtifact.read(shipped);
        Path file = temp.resolve("copy/model.zip");
        original.write(file);

        ModelArtifact reread = ModelArtifact.read(file);

        // The network entry is re-serialised (new zip timestamps, new digest); everything else is kept.
        assertThat(reread.metadata()).usingRecursiveComparison().ignoringFields("networkSha256").isEqualTo(original.metadata());
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
        Map<String, byte[]> entries = entries(shipped);
        entries.remove(ModelArtifact.NETWORK_ENTRY);
        assertThatThrownBy(() -> ModelArtifact.read(zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("expected entries model.json and network.zip");
    }

    @Test
    void refusesANetworkThatDoesNotMatchItsDigest() throws IOException {
        Map<String, byte[]> entries = entries(shipped);
        byte[] network = entries.get(ModelArtifact.NETWORK_ENTRY);
        network[network.length / 2] ^= 0x55;
        assertThatThrownBy(() -> ModelArtifact.read(zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("is corrupt");
    }

    @Test
    void refusesAnotherArtifactFormatVersion() throws IOException {
        Map<String, byte[]> entries = entries(shipped);
        entries.put(ModelArtifact.METADATA_ENTRY, json(entries).replace("\"formatVersion\" : 1", "\"formatVersion\" : 7")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("has artifact format 7; this build reads format 1");
    }

    @Test
    void refusesAModelForAnotherInput() throws IOException {
        Map<String, byte[]> entries = entries(shipped);
        entries.put(ModelArtifact.METADATA_ENTRY, json(entries).replace("\"width\" : 28", "\"width\" : 32")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("expects input");
    }

    @Test
    void refusesANetworkThatIsNotTheArchitectureItClaims() throws IOException {
        Map<String, byte[]> entries = entries(shipped);
        entries.put(ModelArtifact.METADATA_ENTRY, json(entries).replace("\"architecture\" : \"seed\"", "\"architecture\" : \"v2\"")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("claims architecture v2 [784, 256, 128, 10] but its network has layers [784, 64, 32, 10]");
    }

    @Test
    void refusesMetadataThatIsNotJson() throws IOException {
        Map<String, byte[]> entries = entries(shipped);
        entries.put(ModelArtifact.METADATA_ENTRY, "{ not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(zip(entries)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("model.json is not valid model metadata");
    }

    private static String json(Map<String, byte[]> entries) {
        return new String(entries.get(ModelArtifact.METADATA_ENTRY), StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
