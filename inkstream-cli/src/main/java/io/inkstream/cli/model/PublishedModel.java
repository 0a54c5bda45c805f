package io.inkstream.cli.model;

import io.inkstream.classifier.ClassifierService;
import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.contract.role.ModelRoles;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelTrust;
import java.util.Properties;

/**
 * A model on the models topic, found by version and checked as the classifiers check it, and whether it is the one they use
 * now: what shadow and promote act on, from one read of the topic.
 */
record PublishedModel(RegisteredModel model, boolean active) {

    /**
     * The artifact last published under {@code version}, validated with {@code trust} (the classifiers'); a clear error if it
     * is not there or the classifiers would refuse it.
     */
    static PublishedModel find(Properties client, String version, ModelTrust trust) {
        ModelRoles.checked(version);
        ModelPublisher.Lookup lookup = ModelPublisher.lookup(client, version, ClassifierService.shippedModel(), trust);
        byte[] artifact = lookup.artifact().orElseThrow(() -> new IllegalArgumentException("model " + version
                + " is not on the " + Topics.MODELS + " topic: publish it first (inkstream publish-model)"));
        try {
            RegisteredModel model = RegisteredModel.from(artifact, trust);
            return new PublishedModel(model, model.version().equals(lookup.activeVersion()));
        } catch (ModelArtifactException e) {
            throw new IllegalArgumentException("model " + version + " on the " + Topics.MODELS + " topic would be refused: " + e.getMessage(), e);
        }
    }
}
