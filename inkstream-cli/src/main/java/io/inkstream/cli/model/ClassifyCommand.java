package io.inkstream.cli.model;

import io.inkstream.cli.ImageFiles;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.PreprocessingLimits;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import io.inkstream.ops.OneLine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "classify", mixinStandardHelpOptions = true,
        header = "Classifies image files offline: one line per file, with the digit and its confidence.",
        description = "Classifies image files offline (no Kafka): one line per file with the digit and its "
                + "confidence, or why the file was refused, in the order given (a directory's files sorted). A path's line breaks and "
                + "other control characters are written escaped (\\n, \\u001b), so that each file is one line. Exit code 1 when any "
                + "file was refused.")
public final class ClassifyCommand implements Callable<Integer> {
    /** Files classified per model call: lines appear as each group is done, and memory holds one group, however many files. */
    private static final int GROUP = 256;

    @Mixin
    ModelOption model;

    @Parameters(arity = "1..*", paramLabel = "FILES",
            description = "PNG, JPEG, GIF, BMP, WebP, or 784-byte raw MNIST files, up to 16 MiB and 4096 x 4096 each (a phone's "
                    + "photo whole); directories (walked); - for standard input.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        DigitClassifier classifier = model.load().classifier();
        DigitPreprocessor preprocessor = new DigitPreprocessor(PreprocessingLimits.LOCAL_FILES);
        List<Path> paths = ImageFiles.expand(files);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no files to classify under " + files);
        }
        int refused = 0;
        for (int from = 0; from < paths.size(); from += GROUP) {
            refused += classify(paths.subList(from, Math.min(from + GROUP, paths.size())), preprocessor, classifier);
        }
        return refused == 0 ? 0 : 1;
    }

    /** Prints one line per file, in order; returns how many were refused. */
    private static int classify(List<Path> group, DigitPreprocessor preprocessor, DigitClassifier classifier) {
        List<float[]> inputs = new ArrayList<>();
        String[] shown = new String[group.size()];
        String[] lines = new String[group.size()];
        int refused = 0;
        for (int i = 0; i < group.size(); i++) {
            Path file = group.get(i);
            // A name can hold a line break: written escaped, as the log writes what it quotes, a file is one line.
            shown[i] = OneLine.of(file.toString());
            try {
                inputs.add(preprocessor.preprocess(ImageFiles.read(file, preprocessor.limits().maxBytes())).pixels());
            } catch (ImageRejectedException e) {
                lines[i] = shown[i] + " refused " + e.reason().code() + ": " + e.getMessage();
                refused++;
            } catch (IOException e) {
                lines[i] = shown[i] + " refused unreadable: " + OneLine.of(e.getMessage());
                refused++;
            }
        }
        List<DigitPrediction> predictions = classifier.classify(inputs);
        int next = 0;
        for (int i = 0; i < group.size(); i++) {
            if (lines[i] == null) {
                DigitPrediction prediction = predictions.get(next++);
                lines[i] = String.format(Locale.ROOT, "%s %d %.4f", shown[i], prediction.label(), prediction.confidence());
            }
            System.out.println(lines[i]);
        }
        return refused;
    }
}
