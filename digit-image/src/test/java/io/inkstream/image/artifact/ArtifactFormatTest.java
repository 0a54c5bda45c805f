package io.inkstream.image.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The artifact format without a network: what the gateway runs to list models. Written and read
 * here from plain floats; digit-model's tests read the same bytes into DL4J networks.
 */
class ArtifactFormatTest {
    private static final ModelSigningKey OPERATOR = ModelSigningKey.generate();

    private static float[] weights(long seed) {
        Random random = new Random(seed);
        float[] weights = new float[Architecture.SEED.parameterCount()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian() * 0.1f;
        }
        return weights;
    }

    private static ModelMetadata metadata(String version) {
        return new ModelMetadata(ModelMetadata.FORMAT_VERSION, version, Architecture.SEED.id(), ModelMetadata.InputSpec.MNIST,
                new ModelMetadata.TrainingData("test", 0, "none"), Architecture.SEED.hyperParameters(), 0.5, 10,
                Instant.parse("2026-12-03T00:00:00Z"), null);
    }

    @Test
    void readsBackWhatItWroteSignedByATrustedKey() throws Exception {
        float[] weights = weights(1);
        String version = ArtifactFormat.versionOf(Architecture.SEED, weights);
        byte[] artifact = ArtifactFormat.write(metadata(version), weights, Optional.of(OPERATOR));

        ArtifactFormat.Checked checked = ArtifactFormat.read(artifact, ModelTrust.of(List.of(OPERATOR.publicKey())));
        assertThat(checked.metadata().version()).isEqualTo(version).startsWith("seed-");
        assertThat(checked.architecture()).isEqualTo(Architecture.SEED);
        assertThat(checked.weights()).containsExactly(weights);
        assertThat(ArtifactFormat.isSigned(artifact)).isTrue();
    }

    @Test
    void refusesAVersionThatDoesNotNameItsWeightsAndAnUntrustedSigner() throws Exception {
        float[] weights = weights(2);
        byte[] misnamed = ArtifactFormat.write(metadata(ArtifactFormat.versionOf(Architecture.SEED, weights(3))), weights, Optional.empty());
        assertThatThrownBy(() -> ArtifactFormat.readMetadata(misnamed, ModelTrust.anySigner()))
                .isInstanceOf(ModelArtifactException.class).hasMessageContaining("a version must name its weights");

        byte[] signed = ArtifactFormat.write(metadata(ArtifactFormat.versionOf(Architecture.SEED, weights)), weights, Optional.of(OPERATOR));
        assertThatThrownBy(() -> ArtifactFormat.readMetadata(signed, ModelTrust.of(List.of(ModelSigningKey.generate().publicKey()))))
                .isInstanceOf(ModelArtifactException.class);
        assertThat(ArtifactFormat.readMetadata(signed, ModelTrust.anySigner()).version()).startsWith("seed-");
    }

    /**
     * An entry's name is the artifact's author's text, and its refusal goes into logs and the CLI's output: a line break
     * would forge a log line, and U+202E (right-to-left override) would show the rest of the name reversed.
     */
    @Test
    void anUnknownEntrysNameIsShownWithoutItsControlAndFormatCharacters() throws Exception {
        String name = "weights\u202Enib.exe\n12:00:00 INFO model published" + "x".repeat(100);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(1);
            zip.closeEntry();
        }

        assertThatThrownBy(() -> ArtifactFormat.read(bytes.toByteArray(), ModelTrust.anySigner()))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("entry 'weights?nib.exe?12:00:00 INFO model published" + "x".repeat(35) + "...' is refused")
                .satisfies(refused -> assertThat(refused.getMessage()).doesNotContain("\u202E", "\n"));
    }
}
