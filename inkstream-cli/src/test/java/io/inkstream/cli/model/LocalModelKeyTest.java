package io.inkstream.cli.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalModelKeyTest {
    @TempDir
    Path data;

    @Test
    void theLocalRunMakesItsKeyOnceAndTrustsItBesidesWhatIsConfigured() throws Exception {
        assertThat(LocalModelKey.trustedKeys("", data)).as("no key yet: nothing added").isEmpty();
        Optional<String> made = LocalModelKey.ensure(data);
        assertThat(made).isPresent();
        assertThat(LocalModelKey.ensure(data)).as("a second start keeps the key it has").isEmpty();
        assertThat(ModelSigningKey.read(LocalModelKey.privateKey(data)).keyId()).isEqualTo(made.get());

        String local = LocalModelKey.publicKey(data).toAbsolutePath().toString();
        assertThat(LocalModelKey.trustedKeys(null, data)).isEqualTo(local);
        assertThat(LocalModelKey.trustedKeys("/keys/ci.pub", data)).isEqualTo("/keys/ci.pub," + local);
        assertThat(LocalModelKey.trustedKeys("any", data)).as("turned off on purpose stays off").isEqualTo("any");

        ModelTrust trust = LocalModelKey.trust("", data);
        assertThat(trust.keyIds()).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(java.util.stream.Stream.of(made.get()),
                ModelTrust.projectKeys().stream().map(ModelTrust::keyId)).toList());
    }

    @Test
    void trainAndPublishSignWithTheLocalKeyByDefaultAndItsSignatureIsTrustedByTheLocalRun() throws Exception {
        SigningOptions defaults = new SigningOptions();
        defaults.dataDir = data;
        assertThat(defaults.key()).as("no local key: unsigned, with a note").isEmpty();

        LocalModelKey.ensure(data);
        ModelSigningKey key = defaults.key().orElseThrow();
        byte[] signed = ArtifactFormat.sign(ShippedModels.SEED.load().toBytes(), key);
        assertThat(ModelArtifact.read(signed, LocalModelKey.trust("", data)).version()).startsWith("seed-");
        assertThat(ArtifactFormat.isSigned(signed)).isTrue();
        assertThat(ArtifactFormat.isSigned(ShippedModels.SEED.load().toBytes())).isFalse();

        SigningOptions unsigned = new SigningOptions();
        unsigned.dataDir = data;
        unsigned.unsigned = true;
        assertThat(unsigned.key()).isEmpty();
        assertThatThrownBy(() -> ModelArtifact.read(ShippedModels.SEED.load().toBytes(), LocalModelKey.trust("", data)))
                .as("the control: what the local run refuses").hasMessageContaining("is not signed");
        assertThat(Files.exists(LocalModelKey.publicKey(data))).isTrue();
    }
}
