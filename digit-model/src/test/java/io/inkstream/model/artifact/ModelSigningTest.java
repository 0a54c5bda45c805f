package io.inkstream.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.image.artifact.ModelTrust;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSigningTest {
    private static final ModelSigningKey OPERATOR = ModelSigningKey.generate();
    private static final ModelSigningKey STRANGER = ModelSigningKey.generate();

    @TempDir
    Path temp;

    private final byte[] unsigned = ShippedModels.SEED.load().toBytes();

    @Test
    void aServiceThatTrustsAKeyAcceptsWhatItSignedAndNothingElse() throws Exception {
        ModelTrust trust = ModelTrust.of(List.of(OPERATOR.publicKey()));
        byte[] signed = ArtifactFormat.sign(unsigned, OPERATOR);
        assertThat(ModelArtifact.read(signed, trust).version()).isEqualTo(ModelArtifact.read(unsigned).version());

        assertThatThrownBy(() -> ModelArtifact.read(unsigned, trust)).isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("is not signed; this service accepts models signed by [" + OPERATOR.keyId() + "]");
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactFormat.sign(unsigned, STRANGER), trust)).isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("is signed by key " + STRANGER.keyId() + ", which is not trusted here");
        // Without named keys (the default), signed and unsigned artifacts are both read.
        assertThat(ModelArtifact.read(signed).version()).isEqualTo(ModelArtifact.read(unsigned).version());
    }

    @Test
    void metadataChangedAfterSigningNoLongerVerifies() throws Exception {
        Map<String, byte[]> entries = ArtifactZips.entries(ArtifactFormat.sign(unsigned, OPERATOR));
        String json = new String(entries.get(ArtifactFormat.METADATA_ENTRY), StandardCharsets.UTF_8);
        entries.put(ArtifactFormat.METADATA_ENTRY, json.replaceFirst("\"validationAccuracy\" : [0-9.]+", "\"validationAccuracy\" : 0.9999")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(new String(entries.get(ArtifactFormat.METADATA_ENTRY), StandardCharsets.UTF_8)).contains("0.9999");
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries), ModelTrust.of(List.of(OPERATOR.publicKey()))))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("its signature by key " + OPERATOR.keyId() + " does not verify");
    }

    @Test
    void aSignatureOfAnotherAlgorithmOrNotBase64IsRefused() throws Exception {
        Map<String, byte[]> entries = ArtifactZips.entries(unsigned);
        entries.put(ArtifactFormat.SIGNATURE_ENTRY, "{\"algorithm\":\"RSA\",\"keyId\":\"x\",\"signature\":\"AAAA\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries))).hasMessageContaining("only Ed25519 is accepted");
        entries.put(ArtifactFormat.SIGNATURE_ENTRY, "{\"algorithm\":\"Ed25519\",\"signature\":\"%%%\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.read(ArtifactZips.zip(entries))).hasMessageContaining("signature.json is not a signature");
    }

    @Test
    void keysAreWrittenAsPemFilesAndReadBack() throws Exception {
        ModelSigningKey key = ModelSigningKey.generate();
        Path privateFile = key.write(temp.resolve("keys"), "operator");
        assertThat(Files.readString(privateFile)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(privateFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Path publicFile = temp.resolve("keys/operator.pub");
        assertThat(Files.readString(publicFile)).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThatThrownBy(() -> key.write(temp.resolve("keys"), "operator")).hasMessageContaining("exists already");

        ModelSigningKey read = ModelSigningKey.read(privateFile);
        assertThat(read.keyId()).isEqualTo(key.keyId());
        ModelTrust trust = ModelTrust.fromConfiguration(publicFile.toString());
        List<String> projectIds = ModelTrust.projectKeys().stream().map(ModelTrust::keyId).toList();
        assertThat(projectIds).hasSize(2).contains(ModelTrust.keyId(ModelTrust.projectKey()));
        assertThat(trust.keyIds()).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
                java.util.stream.Stream.of(key.keyId()), projectIds.stream()).toList());
        assertThat(ModelArtifact.read(ArtifactFormat.sign(unsigned, read), trust).version()).startsWith("seed-");
        assertThat(ModelTrust.fromConfiguration(" ").keyIds()).as("blank: the project's keys alone, still required")
                .containsExactlyInAnyOrderElementsOf(projectIds);
        assertThat(ModelTrust.fromConfiguration("any").requiresSignature()).as("turned off only on purpose").isFalse();
        assertThatThrownBy(() -> ModelTrust.fromConfiguration(privateFile.toString())).hasMessageContaining("is not a PEM public key");
    }

    @Test
    void aTrustedKeyThatCannotBeReadIsRefusedNamingTheVariableAndTheFile() {
        assertThatThrownBy(() -> ModelTrust.fromVariable("/no/such/key.pub"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INKSTREAM_CLASSIFIER_TRUSTED_KEYS")
                .hasMessageContaining("/no/such/key.pub");
    }

    @Test
    void servicesRequireASignatureByDefaultAndAcceptUnsignedModelsOnlyWhenToldSo() throws Exception {
        ModelTrust byDefault = ModelTrust.fromVariable("");
        assertThat(byDefault.requiresSignature()).isTrue();
        assertThatThrownBy(() -> ModelArtifact.read(unsigned, byDefault)).hasMessageContaining("is not signed");
        ModelTrust any = ModelTrust.fromVariable("ANY");
        assertThat(ModelArtifact.read(unsigned, any).version()).startsWith("seed-");
    }

    @Test
    void theShippedModelsAreSignedByTheProjectsKey() throws Exception {
        ModelTrust project = ModelTrust.of(List.of(ModelTrust.projectKey()));
        for (ShippedModels model : ShippedModels.values()) {
            assertThat(ModelArtifact.read(model.bytes(), project).version()).isEqualTo(model.load().version());
        }
        assertThatThrownBy(() -> ModelArtifact.read(unsigned, project)).hasMessageContaining("is not signed");
    }
}
