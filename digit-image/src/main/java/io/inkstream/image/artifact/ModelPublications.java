package io.inkstream.image.artifact;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models a service accepted from the models topic, and which one is active: the pinned version
 * if one is configured, else the <b>latest accepted publication</b>, by its position (offset) in the
 * topic. Nothing inside an artifact takes part: a forged creation date cannot make a model win,
 * and publishing a version again makes it the active one again (a rollback). The classifier and
 * the gateway both apply this rule through this class. The latest {@link #REFUSALS_KEPT} refused
 * publications are kept too, to be shown: a flood of forged records costs a bounded amount of memory.
 * Thread-safe.
 *
 * @param <M> what the service keeps of a model (a loadable artifact, or only its metadata)
 */
public final class ModelPublications<M> {
    /** The position of a publication whose offset is not known (read back from a store): older than any known one. */
    public static final long UNKNOWN_POSITION = -1;

    /** How many refused publications are remembered, the latest. */
    public static final int REFUSALS_KEPT = 20;
    private static final int KEY_SHOWN = 128;
    /** A reason quotes the artifact (its version, from metadata of up to 64 KiB): it is cut as the key is. */
    private static final int REASON_SHOWN = 512;

    private record Accepted<M>(M model, long position) {
    }

    /**
     * A publication refused, never used.
     *
     * @param key      the record's key as published, made printable and cut to 128 characters: it is anyone's text
     * @param position its offset in the topic
     * @param reason   why, in a sentence, made printable and cut to 512 characters: it may quote the artifact
     */
    public record Refusal(String key, long position, String reason) {
    }

    private final Optional<String> pinned;
    private final Map<String, Accepted<M>> accepted = new ConcurrentHashMap<>();
    private final Deque<Refusal> refusals = new ArrayDeque<>();

    public ModelPublications(Optional<String> pinned) {
        this.pinned = pinned;
    }

    /**
     * Why a record under {@code key} holding {@code version} is refused, if it is: a record's key
     * must be the version it holds, or one model could overwrite another's record in the compacted
     * topic.
     */
    public static Optional<String> keyProblem(String key, String version) {
        return key != null && key.equals(version) ? Optional.empty()
                : Optional.of("the key " + (key == null ? "is missing" : "differs from the artifact's version " + version));
    }

    /**
     * Records an accepted publication of {@code version} at {@code position}; returns true if the
     * version was not known before. A version published again keeps its latest position.
     */
    public boolean accept(String version, M model, long position) {
        Accepted<M> before = accepted.get(version);
        long latest = before == null ? position : Math.max(before.position(), position);
        accepted.put(version, new Accepted<>(model, latest));
        return before == null;
    }

    /**
     * Records a refused publication; only the latest {@link #REFUSALS_KEPT} are kept. Returns it as kept, which is
     * also what to log: a key or a reason as it came can be a megabyte.
     */
    public Refusal refuse(String key, long position, String reason) {
        Refusal refusal = new Refusal(ShownText.of(key, KEY_SHOWN, ""), position, ShownText.of(reason, REASON_SHOWN, "..."));
        synchronized (refusals) {
            refusals.addFirst(refusal);
            while (refusals.size() > REFUSALS_KEPT) {
                refusals.removeLast();
            }
        }
        return refusal;
    }

    /** The latest refused publications, newest first. */
    public List<Refusal> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    /** The version to classify with: the pinned one (known or not), else the latest accepted publication. */
    public Optional<String> activeVersion() {
        if (pinned.isPresent()) {
            return pinned;
        }
        return accepted.entrySet().stream()
                .max(Comparator.comparingLong((Map.Entry<String, Accepted<M>> e) -> e.getValue().position()).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }

    public Optional<M> get(String version) {
        return Optional.ofNullable(accepted.get(version)).map(Accepted::model);
    }

    /** Every accepted model by version, a snapshot. */
    public Map<String, M> models() {
        Map<String, M> models = new TreeMap<>();
        accepted.forEach((version, a) -> models.put(version, a.model()));
        return models;
    }

    public Optional<String> pinned() {
        return pinned;
    }
}
