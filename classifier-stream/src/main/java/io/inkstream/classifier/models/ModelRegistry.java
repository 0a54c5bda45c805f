package io.inkstream.classifier.models;

import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelPublications;
import io.inkstream.image.artifact.ModelTrust;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models an instance knows, fed from the compacted models topic, and the one it uses, by the
 * rule of {@link ModelPublications}: the pinned version if one is configured, else the latest
 * accepted publication. Until the topic has given it anything, the fallback (the model shipped in
 * the jar) serves. A refused artifact is logged with its reason and counted; the current model
 * stays. Thread-safe: the global thread offers, stream threads read.
 */
public final class ModelRegistry {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    private final ModelPublications<RegisteredModel> publications;
    private final RegisteredModel fallback;
    private final ModelTrust trust;
    private final AtomicLong refused = new AtomicLong();
    /** The version named for the shadow role (model-roles topic), if any: classified beside the current model when known. */
    private volatile Optional<String> shadowVersion = Optional.empty();

    /** A registry that accepts artifacts whoever signed them (see {@link ModelTrust#anySigner()}). */
    public ModelRegistry(Optional<String> pinnedVersion, RegisteredModel fallback) {
        this(pinnedVersion, fallback, ModelTrust.anySigner());
    }

    public ModelRegistry(Optional<String> pinnedVersion, RegisteredModel fallback, ModelTrust trust) {
        this.publications = new ModelPublications<>(pinnedVersion);
        this.fallback = fallback;
        this.trust = trust;
    }

    /** An artifact read back without its position in the topic (see {@link #offer(String, byte[], long)}). */
    public Optional<RegisteredModel> offer(String key, byte[] artifact) {
        return offer(key, artifact, ModelPublications.UNKNOWN_POSITION);
    }

    /**
     * Validates an artifact from the topic, published at {@code position} (its offset); returns the
     * registered model, or empty if it was refused.
     */
    public Optional<RegisteredModel> offer(String key, byte[] artifact, long position) {
        if (artifact == null) {
            log.info("model tombstone ignored key={}", key);
            return Optional.empty();
        }
        try {
            RegisteredModel model = RegisteredModel.from(artifact, trust);
            Optional<String> keyProblem = ModelPublications.keyProblem(key, model.version());
            if (keyProblem.isPresent()) {
                refuse(key, position, keyProblem.get());
                return Optional.empty();
            }
            if (publications.accept(model.version(), model, position)) {
                log.info("model registered version={} architecture={} validation_accuracy={} position={} current={}", model.version(),
                        model.metadata().architecture(), model.metadata().validationAccuracy(), position,
                        current().map(RegisteredModel::version).orElse("none"));
            }
            return Optional.of(model);
        } catch (ModelArtifactException e) {
            refuse(key, position, e.getMessage());
            return Optional.empty();
        }
    }

    private void refuse(String key, long position, String reason) {
        refused.incrementAndGet();
        ModelPublications.Refusal refusal = publications.refuse(key, position, reason);
        log.warn("model refused key={} reason=\"{}\"", refusal.key(), refusal.reason());
    }

    /** The model to classify with now; empty only when a pinned version is not known (yet). */
    public Optional<RegisteredModel> current() {
        Optional<String> active = publications.activeVersion();
        if (active.isEmpty()) {
            return Optional.of(fallback);
        }
        return publications.get(active.get()).or(() -> fallback.version().equals(active.get()) ? Optional.of(fallback) : Optional.empty());
    }

    /** The model-roles topic named {@code version} (or none) for the shadow role. */
    public void shadow(Optional<String> version) {
        if (!version.equals(shadowVersion)) {
            log.info("shadow model named version={} previous={} known={}", version.orElse("none"), shadowVersion.orElse("none"),
                    version.map(v -> publications.get(v).isPresent()).orElse(false));
            shadowVersion = version;
        }
    }

    /** The version named for the shadow role, known or not. */
    public Optional<String> shadowVersion() {
        return shadowVersion;
    }

    /**
     * The model to classify with beside {@link #current()}, its answers kept apart: the shadow named, once its artifact is known,
     * and never the current model itself (a model promoted while it was shadowed stops being one).
     */
    public Optional<RegisteredModel> shadow(RegisteredModel current) {
        return shadowVersion.filter(version -> !version.equals(current.version())).flatMap(publications::get);
    }

    public Optional<String> pinnedVersion() {
        return publications.pinned();
    }

    public List<String> knownVersions() {
        return List.copyOf(publications.models().keySet());
    }

    /** The latest refused publications, newest first. */
    public List<ModelPublications.Refusal> refusals() {
        return publications.refusals();
    }

    /** Artifacts refused since start: what {@code inkstream_classifier_models_refused_total} counts. */
    public long refusedCount() {
        return refused.get();
    }
}
