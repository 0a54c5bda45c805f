package io.inkstream.image.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelPublicationsTest {
    @Test
    void theLatestAcceptedPublicationIsActiveWhateverTheArtifactsClaim() {
        ModelPublications<String> models = new ModelPublications<>(Optional.empty());
        assertThat(models.activeVersion()).isEmpty();
        models.accept("seed-a", "claims 2099", 3);
        models.accept("v2-b", "claims 2020", 7);
        assertThat(models.activeVersion()).contains("v2-b");

        // Published again later: active again, a rollback.
        assertThat(models.accept("seed-a", "claims 2099", 9)).isFalse();
        assertThat(models.activeVersion()).contains("seed-a");
        // Read back from a store without its offset: it keeps its known position.
        models.accept("seed-a", "claims 2099", ModelPublications.UNKNOWN_POSITION);
        assertThat(models.activeVersion()).contains("seed-a");
        assertThat(models.models()).containsOnlyKeys("seed-a", "v2-b");
    }

    @Test
    void aPinnedVersionIsActiveEvenBeforeItIsKnown() {
        ModelPublications<String> models = new ModelPublications<>(Optional.of("seed-a"));
        models.accept("v2-b", "newer", 7);
        assertThat(models.activeVersion()).contains("seed-a");
        assertThat(models.get("seed-a")).isEmpty();
    }

    @Test
    void aRecordsKeyMustBeTheVersionItHolds() {
        assertThat(ModelPublications.keyProblem("seed-a", "seed-a")).isEmpty();
        assertThat(ModelPublications.keyProblem("seed-a", "seed-b")).contains("the key differs from the artifact's version seed-b");
        assertThat(ModelPublications.keyProblem(null, "seed-b")).contains("the key is missing");
    }

    @Test
    void keepsTheLatestRefusalsWithTheirKeysAndReasonsMadePrintableAndShortAndNeverActive() {
        ModelPublications<String> models = new ModelPublications<>(Optional.empty());
        models.accept("seed-a", "good", 1);
        models.refuse("seed-a\u001b[31m\u202e" + "x".repeat(500), 2, "the signature does not verify");
        assertThat(models.activeVersion()).as("a refused publication never wins").contains("seed-a");
        ModelPublications.Refusal refusal = models.refusals().get(0);
        assertThat(refusal.key()).startsWith("seed-a?[31m?x").hasSize(128);
        assertThat(refusal.position()).isEqualTo(2);
        assertThat(refusal.reason()).isEqualTo("the signature does not verify");
        assertThat(models.refuse("seed-b", 3, "model " + "v".repeat(65_000) + "\n is corrupt").reason())
                .as("a reason quoting a version of 64 KiB of metadata").startsWith("model vvv").endsWith("v...").hasSize(515);

        for (int i = 0; i < 50; i++) {
            models.refuse("flood-" + i, 4 + i, "forged");
        }
        assertThat(models.refusals()).hasSize(ModelPublications.REFUSALS_KEPT);
        assertThat(models.refusals().get(0).key()).as("newest first").isEqualTo("flood-49");
        assertThat(models.models()).containsOnlyKeys("seed-a");
    }
}
