package io.inkstream.cli.store;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.cli.options.OptionChecks;
import io.inkstream.ops.OneLine;
import io.inkstream.store.ImageFailure;
import io.inkstream.store.PredictionPage;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.StoredPrediction;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inkstream predictions}: what Cassandra holds for images or for a model. */
@Command(name = "predictions", mixinStandardHelpOptions = true,
        header = "Prints what Cassandra holds for an image, or a model's most recent predictions.",
        description = "Prints what Cassandra holds: every model's prediction of an image (or why it was refused), "
                + "or a model's most recent predictions. One line per prediction:%n"
                + "IMAGE MODEL DIGIT CONFIDENCE true=LABEL classified=INSTANT. Exits 1 when an image has none (yet).")
public final class PredictionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CassandraOption cassandra;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Query query;

    static final class Query {
        @Option(names = "--image", paramLabel = "ID", description = "An image id; repeat for several.")
        List<String> images;

        @Option(names = "--model", paramLabel = "VERSION", description = "A model's most recent predictions.")
        String model;
    }

    @Option(names = "--limit", defaultValue = "20", description = "With --model: how many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        OptionChecks.atLeast(spec, "--limit", limit, 1);
        try (CqlSession session = cassandra.session()) {
            PredictionReader reader = new PredictionReader(session);
            if (query.model != null) {
                PredictionPage page = reader.recent(query.model, limit, Optional.empty());
                page.predictions().forEach(p -> System.out.println(line(p)));
                return 0;
            }
            boolean allFound = true;
            for (String id : query.images) {
                List<StoredPrediction> predictions = reader.forImage(id);
                predictions.forEach(p -> System.out.println(line(p)));
                if (predictions.isEmpty()) {
                    Optional<ImageFailure> failure = reader.failure(id);
                    if (failure.isPresent()) {
                        System.out.println(OneLine.of(id) + " failed reason=" + failure.get().reason() + " stage="
                                + failure.get().stage() + " \"" + OneLine.of(failure.get().message()) + "\"");
                    } else {
                        System.err.println("no prediction of image " + id + " (yet)");
                        allFound = false;
                    }
                }
            }
            return allFound ? 0 : 1;
        }
    }

    /** One prediction's line. An image id is any producer's text (a key with a line break or a terminal's escapes): escaped. */
    private static String line(StoredPrediction p) {
        return String.format(Locale.ROOT, "%s %s %d %.4f true=%s classified=%s", OneLine.of(p.imageId()), p.modelVersion(), p.label(),
                p.confidence(), p.trueLabel() == null ? "-" : p.trueLabel().toString(), p.classifiedAt());
    }
}
