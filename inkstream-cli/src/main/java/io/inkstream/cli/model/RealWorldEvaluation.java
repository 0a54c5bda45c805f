package io.inkstream.cli.model;

import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.mnist.RealWorldRenders;
import io.inkstream.mnist.RealWorldRenders.Condition;
import io.inkstream.mnist.RealWorldRenders.Format;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ProgressBar;

/**
 * A model read through the pipeline's own preprocessing on {@link RealWorldRenders}: the same
 * held-out digits drawn under every condition, each render decoded and preprocessed exactly as an
 * upload is, then classified in batches. A render the preprocessing refuses counts as wrong (a
 * person who sent it got no answer) and is counted apart.
 */
public final class RealWorldEvaluation {
    /** The renders' seed unless told otherwise: reports of different models compare the same pictures. */
    public static final long DEFAULT_SEED = 2026;
    private static final int BATCH = 256;

    /** Correct, refused by the preprocessing, and all, of some renders. */
    public record Tally(int correct, int rejected, int total) {
        static final Tally NONE = new Tally(0, 0, 0);

        Tally plus(boolean right, boolean refused) {
            return new Tally(correct + (right ? 1 : 0), rejected + (refused ? 1 : 0), total + 1);
        }

        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }
    }

    /** The tallies of one model, per condition, per format and over all renders. */
    public record Result(String model, int digits, long seed, Map<Condition, Tally> byCondition, Map<Format, Tally> byFormat, Tally all) {
        public String report() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "model %s on %d held-out digits x %d conditions (%d renders, seed %d)%n%n", model, digits,
                    byCondition.size(), all.total(), seed));
            out.append(String.format(Locale.ROOT, "%-18s %11s %9s %9s%n", "condition", "correct", "accuracy", "refused"));
            byCondition.forEach((condition, tally) -> out.append(row(condition.id(), tally)));
            out.append(String.format(Locale.ROOT, "%n%-18s %11s %9s %9s%n", "format", "correct", "accuracy", "refused"));
            byFormat.forEach((format, tally) -> out.append(row(format.id(), tally)));
            out.append('\n').append(row("all", all));
            return out.toString();
        }

        /** One line to compare runs by: {@code real-world model=v3-... accuracy=98.41 worst=blurred:95.33 refused=0}. */
        public String summary() {
            Map.Entry<Condition, Tally> worst = byCondition.entrySet().stream()
                    .min((a, b) -> Double.compare(a.getValue().accuracy(), b.getValue().accuracy())).orElseThrow();
            return String.format(Locale.ROOT, "real-world model=%s accuracy=%.2f worst=%s:%.2f refused=%d renders=%d", model,
                    100 * all.accuracy(), worst.getKey().id(), 100 * worst.getValue().accuracy(), all.rejected(), all.total());
        }

        private static String row(String name, Tally tally) {
            return String.format(Locale.ROOT, "%-18s %11s %8.2f%% %9d%n", name, tally.correct() + "/" + tally.total(), 100 * tally.accuracy(),
                    tally.rejected());
        }
    }

    private record Outcome(Condition condition, Format format, int label, float[] pixels) {
    }

    private final DigitPreprocessor preprocessor;
    private final long seed;
    private final Optional<Path> saveTo;

    /**
     * @param saveTo a directory to write every render into ({@code condition/index-label.format}), to look at them
     */
    public RealWorldEvaluation(DigitPreprocessor preprocessor, long seed, Optional<Path> saveTo) {
        this.preprocessor = preprocessor;
        this.seed = seed;
        this.saveTo = saveTo;
    }

    /** Renders the first {@code count} digits under every condition, preprocesses them on every core, classifies them in batches. */
    public Result evaluate(DigitClassifier classifier, String model, LabelledDigits digits, int count, ProgressBar progress) {
        if (count < 1 || count > digits.size()) {
            throw new IllegalArgumentException("between 1 and " + digits.size() + " digits per condition, not " + count);
        }
        Condition[] conditions = Condition.values();
        progress.maxHint((long) conditions.length * count);
        List<Outcome> outcomes = IntStream.range(0, conditions.length * count).parallel()
                .mapToObj(k -> {
                    Outcome outcome = renderAndPreprocess(conditions[k / count], k % count, digits);
                    progress.step();
                    return outcome;
                })
                .toList();
        Map<Condition, Tally> byCondition = new EnumMap<>(Condition.class);
        Map<Format, Tally> byFormat = new EnumMap<>(Format.class);
        Tally all = Tally.NONE;
        for (int start = 0; start < outcomes.size(); start += BATCH) {
            List<Outcome> batch = outcomes.subList(start, Math.min(outcomes.size(), start + BATCH));
            List<float[]> readable = new ArrayList<>();
            for (Outcome outcome : batch) {
                if (outcome.pixels() != null) {
                    readable.add(outcome.pixels());
                }
            }
            List<DigitPrediction> predictions = readable.isEmpty() ? List.of() : classifier.classify(readable);
            int next = 0;
            for (Outcome outcome : batch) {
                boolean refused = outcome.pixels() == null;
                boolean right = !refused && predictions.get(next++).label() == outcome.label();
                byCondition.merge(outcome.condition(), Tally.NONE.plus(right, refused), RealWorldEvaluation::sum);
                byFormat.merge(outcome.format(), Tally.NONE.plus(right, refused), RealWorldEvaluation::sum);
                all = all.plus(right, refused);
            }
        }
        return new Result(model, count, seed, byCondition, byFormat, all);
    }

    private static Tally sum(Tally a, Tally b) {
        return new Tally(a.correct() + b.correct(), a.rejected() + b.rejected(), a.total() + b.total());
    }

    private Outcome renderAndPreprocess(Condition condition, int index, LabelledDigits digits) {
        RealWorldRenders.Render render = RealWorldRenders.render(digits.images().imageBytes(index), condition, renderSeed(condition, index));
        int label = digits.label(index);
        saveTo.ifPresent(dir -> save(dir, render, index, label));
        try {
            return new Outcome(condition, render.format(), label, preprocessor.preprocess(render.bytes()).pixels());
        } catch (ImageRejectedException e) {
            return new Outcome(condition, render.format(), label, null);
        }
    }

    /** Each (condition, digit) has a stream of its own, so a render does not depend on how many others were asked for. */
    private long renderSeed(Condition condition, int index) {
        return seed ^ (condition.ordinal() + 1) * 0x9E3779B97F4A7C15L ^ (index + 1) * 0xBF58476D1CE4E5B9L;
    }

    private static void save(Path dir, RealWorldRenders.Render render, int index, int label) {
        try {
            Path folder = Files.createDirectories(dir.resolve(render.condition().id()));
            Files.write(folder.resolve(String.format(Locale.ROOT, "%05d-%d.%s", index, label, render.format().id())), render.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
