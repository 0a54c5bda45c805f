package io.inkstream.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.cli.InkstreamCli;
import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {
    @TempDir
    Path temp;

    @Test
    void makesAPairWhosePrivateHalfSignsWhatItsPublicHalfIsTrustedFor() throws Exception {
        assertThat(InkstreamCli.run("keys", "--dir", temp.toString(), "--name", "ops")).isZero();
        Path privateKey = temp.resolve("ops.key");
        Path publicKey = temp.resolve("ops.pub");
        assertThat(privateKey).exists();
        assertThat(publicKey).exists();

        String before = Files.readString(privateKey);
        byte[] signed = ArtifactFormat.sign(ShippedModels.V2.load().toBytes(), ModelSigningKey.read(privateKey));
        ModelTrust trust = ModelTrust.fromConfiguration(publicKey.toString());
        assertThat(ModelArtifact.read(signed, trust).version()).isEqualTo(ShippedModels.V2.load().version());

        // A second run does not overwrite the pair: a lost private key would orphan every model it signed.
        assertThat(InkstreamCli.run("keys", "--dir", temp.toString(), "--name", "ops")).isNotZero();
        assertThat(Files.readString(privateKey)).isEqualTo(before);
    }
}
