package io.inkstream.gateway.query;

import io.inkstream.store.ImageFailure;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.StoredPrediction;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Answers "what became of image X?" from Cassandra and what this instance published. */
public final class ImageQueries {
    private final PredictionReader reader;
    private final RecentUploads recent;

    public ImageQueries(PredictionReader reader, RecentUploads recent) {
        this.reader = reader;
        this.recent = recent;
    }

    public ImageStatus status(String imageId) {
        List<StoredPrediction> predictions = reader.forImage(imageId).stream()
                .sorted(Comparator.comparing(StoredPrediction::classifiedAt))
                .toList();
        if (!predictions.isEmpty()) {
            // Only a classified image can be labelled (the label endpoint refuses the others): one more read, only here.
            return new ImageStatus(imageId, ImageStatus.State.CLASSIFIED, predictions, Optional.empty(), reader.label(imageId));
        }
        Optional<ImageFailure> failure = reader.failure(imageId);
        if (failure.isPresent()) {
            return new ImageStatus(imageId, ImageStatus.State.FAILED, List.of(), failure, Optional.empty());
        }
        ImageStatus.State state = recent.contains(imageId) ? ImageStatus.State.PENDING : ImageStatus.State.UNKNOWN;
        return new ImageStatus(imageId, state, List.of(), Optional.empty(), Optional.empty());
    }
}
