package io.inkstream.classifier.models;

import io.inkstream.model.artifact.ModelArtifactException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models an instance knows, fed from the compacted models topic, and the one it uses: the
 * pinned version if one is configured, else the newest by creation time. Until the topic has
 * given it anything, the fallback (the model shipped in the jar) serves. A broken artifact is
 * logged and ignored; the current model stays. Thread-safe: the global thread offers, stream
 * threads read.
 */
public final class ModelRegistry {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    private final Optional<String> pinnedVersion;
    private final RegisteredModel fallback;
    private final Map<String, RegisteredModel> known = new ConcurrentHashMap<>();

    public ModelRegistry(Optional<String> pinnedVersion, RegisteredModel fallback) {
        this.pinnedVersion = pinnedVersion;
        this.fallback = fallback;
    }

    /** Validates an artifact from the topic; returns the registered model, or empty if it was refused. */
    public Optional<RegisteredModel> offer(String key, byte[] artifact) {
        if (artifact == null) {
            log.info("model tombstone ignored key={}", key);
            return Optional.empty();
        }
        try {
            RegisteredModel model = RegisteredModel.from(artifact);
            if (key != null && !key.equals(model.version())) {
                log.warn("model refused key={} reason=\"the key differs from the artifact's version {}\"", key, model.version());
                return Optional.empty();
            }
            boolean added = known.put(model.version(), model) == null;
            if (added) {
                log.info("model registered version={} architecture={} validation_accuracy={} current={}", model.version(),
                        model.metadata().architecture(), model.metadata().validationAccuracy(), current().map(RegisteredModel::version).orElse("none"));
            }
            return Optional.of(model);
        } catch (ModelArtifactException e) {
            log.warn("model refused key={} reason=\"{}\"", key, e.getMessage());
            return Optional.empty();
        }
    }

    /** The model to classify with now; empty only when a pinned version is not known (yet). */
    public Optional<RegisteredModel> current() {
        if (pinnedVersion.isPresent()) {
            String pinned = pinnedVersion.get();
            RegisteredModel model = known.get(pinned);
            if (model == null && fallback.version().equals(pinned)) {
                model = fallback;
            }
            return Optional.ofNullable(model);
        }
        return known.values().stream()
                .max(Comparator.comparing((RegisteredModel m) -> m.metadata().createdAt()).thenComparing(RegisteredModel::version))
                .or(() -> Optional.of(fallback));
    }

    public Optional<String> pinnedVersion() {
        return pinnedVersion;
    }

    public List<String> knownVersions() {
        return known.keySet().stream().sorted().toList();
    }

    public RegisteredModel fallback() {
        return fallback;
    }
}
