package io.inkstream.model.artifact;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inkstream.image.artifact.ModelArtifactException;

/**
 * Any bytes at all, as anyone who can write to the models topic may send: reading either refuses
 * them with a message ({@link ModelArtifactException}) or gives a model whose network is the
 * architecture's. Any other exception, a hang or an out-of-memory is a finding. Seeds: small
 * artifacts under the Inputs directory (metadata with short weights, an unknown entry).
 */
class ModelArtifactFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void refusesOrReadsAnyArtifact(byte[] data) {
        ModelArtifact artifact;
        try {
            artifact = ModelArtifact.read(data);
        } catch (ModelArtifactException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a message", refused);
            }
            return;
        }
        if (artifact.network().numParams() <= 0) {
            throw new AssertionError("a model without weights: " + artifact.version());
        }
    }
}
