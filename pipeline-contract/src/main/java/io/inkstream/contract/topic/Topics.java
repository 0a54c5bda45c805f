package io.inkstream.contract.topic;

/** The topics every service agrees on. */
public final class Topics {
    /** Key: image id. Value: the image file's bytes, unchanged. Retained forever: replays read it. */
    public static final String IMAGES = "images";
    /** Key: image id. Value: prediction JSON ({@code Prediction}). */
    public static final String PREDICTIONS = "predictions";
    /** Compacted. Key: model version. Value: the model artifact zip. */
    public static final String MODELS = "models";
    /**
     * Compacted. Key: image id. Value: correction JSON ({@code Correction}): an image's true digit as a person gave it; the
     * latest per image wins. Written by the gateway, read by the sink (into Cassandra) and by {@code train --with-corrections}.
     */
    public static final String CORRECTIONS = "corrections";
    /**
     * Key: image id. Value: prediction JSON ({@code Prediction}) of the shadow model, the candidate the classifier runs beside the
     * active one while an operator compares them; headers {@code active-model} and {@code active-label} say what the active model
     * answered. Never an answer: a topic of its own, so that no consumer of {@link #PREDICTIONS} meets one.
     */
    public static final String SHADOW_PREDICTIONS = "predictions.shadow";
    /** Compacted. Key: a role ({@code shadow}). Value: the model version in that role ({@code ModelRoles}); empty for none. */
    public static final String MODEL_ROLES = "model-roles";
    /** Images the classifier refused: original key, value and headers plus the error headers. */
    public static final String IMAGES_DLQ = "images.dlq";
    /** Predictions the sink cannot write (bad JSON, unknown schema), with the reason. */
    public static final String PREDICTIONS_DLQ = "predictions.dlq";

    private Topics() {
    }
}
