package io.inkstream.cli.model;

import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
                + "confidence, or why the file was refused. Exit code 1 when any file was refused.")
public final class ClassifyCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Parameters(arity = "1..*", paramLabel = "FILES", description = "PNG, JPEG, GIF, BMP, WebP, or 784-byte raw MNIST files.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        ModelArtifact artifact = model.load();
        DigitClassifier classifier = artifact.classifier();
        DigitPreprocessor preprocessor = new DigitPreprocessor();
        List<Path> accepted = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        String[] lines = new String[files.size()];
        int refused = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            try {
                inputs.add(preprocessor.preprocess(read(file, preprocessor.limits().maxBytes())).pixels());
                accepted.add(file);
            } catch (ImageRejectedException e) {
                lines[i] = file + " refused " + e.reason().code() + ": " + e.getMessage();
                refused++;
            } catch (IOException e) {
                lines[i] = file + " refused unreadable: " + e.getMessage();
                refused++;
            }
        }
        List<DigitPrediction> predictions = classifier.classify(inputs);
        int next = 0;
        for (int i = 0; i < files.size(); i++) {
            if (lines[i] == null) {
                DigitPrediction prediction = predictions.get(next++);
                lines[i] = String.format(Locale.ROOT, "%s %d %.4f", files.get(i), prediction.label(), prediction.confidence());
            }
            System.out.println(lines[i]);
        }
        return refused == 0 ? 0 : 1;
    }

    private static byte[] read(Path file, int maxBytes) throws IOException {
        // Bounded read: a huge file is refused by the preprocessor's byte cap without being loaded whole.
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("file of " + size + " bytes is far beyond any image limit");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes((int) Math.min(size, (long) maxBytes + 1));
        }
    }
}
