package io.inkstream.store;

import java.util.List;

/**
 * How a model did on the images people labelled, and its latest mistakes among them.
 *
 * @param recentMistakes newest label first, at most as many as asked for
 */
public record PeopleAccuracy(String modelVersion, long labelled, long correct, List<ModelLabel> recentMistakes) {
    public PeopleAccuracy {
        recentMistakes = List.copyOf(recentMistakes);
    }

    public double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
}
