package io.inkstream.cli.bench;

import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.DigitImages;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.mnist.RealWorldRenders;
import io.inkstream.mnist.RealWorldRenders.Condition;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Images per second for inference one by one against batches of 1, 32, 256 and 1024, and for
 * preprocessing each upload format. Each measurement repeats until it has run for a fixed time
 * after a warm-up, and reports the best of three rounds (the least disturbed by GC and the OS).
 */
public final class ModelBenchmark {
    private static final int[] BATCH_SIZES = {1, 32, 256, 1024};
    private static final long ROUND_NANOS = 1_500_000_000L;

    private final ModelArtifact model;
    private final PrintStream out;

    public ModelBenchmark(ModelArtifact model, PrintStream out) {
        this.model = model;
        this.out = out;
    }

    /** Runs everything, prints the tables and returns the one-line summary. */
    public String run() throws ImageRejectedException {
        DigitImages digits = BundledMnist.validation().images();
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            inputs.add(digits.imageFloats(i));
        }
        DigitClassifier classifier = model.classifier();

        out.printf(Locale.ROOT, "model %s, OMP_NUM_THREADS=%s, %d cores%n%n", model.version(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"), Runtime.getRuntime().availableProcessors());
        out.println("inference                 images/s   vs one-by-one");
        double oneByOne = imagesPerSecond(count -> {
            for (int i = 0; i < count; i++) {
                classifier.classify(inputs.get(i % inputs.size()));
            }
            return count;
        }, 200);
        out.printf(Locale.ROOT, "one by one (classify(x))  %9.0f   %6.1fx%n", oneByOne, 1.0);
        Map<Integer, Double> batched = new LinkedHashMap<>();
        for (int size : BATCH_SIZES) {
            List<float[]> batch = inputs.subList(0, size);
            double rate = imagesPerSecond(count -> {
                int done = 0;
                while (done < count) {
                    classifier.classify(batch);
                    done += size;
                }
                return done;
            }, Math.max(size, 256));
            batched.put(size, rate);
            out.printf(Locale.ROOT, "batch of %-4d              %9.0f   %6.1fx%n", size, rate, rate / oneByOne);
        }

        out.println();
        out.println("preprocessing (bytes -> 28x28)          images/s   mean bytes");
        DigitPreprocessor preprocessor = new DigitPreprocessor();
        Map<String, Function<byte[], byte[]>> formats = new LinkedHashMap<>();
        formats.put("raw MNIST (784 bytes)", mnist -> mnist);
        formats.put("PNG 200x200", mnist -> DigitRenderer.png(DigitRenderer.render(mnist, 200, 200, 150, 25, 25, 0)));
        formats.put("JPEG q70 200x200", mnist -> DigitRenderer.jpeg(DigitRenderer.render(mnist, 200, 200, 150, 25, 25, 0), 0.7f));
        formats.put("GIF 200x200", mnist -> DigitRenderer.gif(DigitRenderer.render(mnist, 200, 200, 150, 25, 25, 0)));
        formats.put("BMP 200x200", mnist -> DigitRenderer.bmp(DigitRenderer.render(mnist, 200, 200, 150, 25, 25, 0)));
        formats.put("PNG 1000x700", mnist -> DigitRenderer.png(DigitRenderer.render(mnist, 1000, 700, 520, 310, 120, 0)));
        formats.put("JPEG q70 1000x700", mnist -> DigitRenderer.jpeg(DigitRenderer.render(mnist, 1000, 700, 520, 310, 120, 0), 0.7f));
        // What people send: where the paper map, the ruling search and glare's gain have work to do, which the clean
        // pictures above do not give them.
        formats.put("uneven light (real-world render)", realWorld(Condition.UNEVEN_LIGHT));
        formats.put("glare (real-world render)", realWorld(Condition.GLARE));
        formats.put("phone photo (real-world render)", realWorld(Condition.PHONE_PHOTO));
        Map<String, Double> preprocessing = new LinkedHashMap<>();
        for (Map.Entry<String, Function<byte[], byte[]>> format : formats.entrySet()) {
            List<byte[]> files = new ArrayList<>();
            long totalBytes = 0;
            for (int i = 0; i < 64; i++) {
                byte[] file = format.getValue().apply(digits.imageBytes(i));
                files.add(file);
                totalBytes += file.length;
            }
            preprocessor.preprocess(files.get(0)); // fail fast rather than measure refusals
            double rate = imagesPerSecond(count -> {
                for (int i = 0; i < count; i++) {
                    try {
                        preprocessor.preprocess(files.get(i % files.size()));
                    } catch (ImageRejectedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return count;
            }, 16);
            preprocessing.put(format.getKey(), rate);
            out.printf(Locale.ROOT, "%-38s %9.0f   %10d%n", format.getKey(), rate, totalBytes / files.size());
        }

        String summary = String.format(Locale.ROOT,
                "model-bench one-by-one=%.0f batch1=%.0f batch32=%.0f batch256=%.0f batch1024=%.0f speedup256=%.1fx preprocess_png200=%.0f "
                        + "preprocess_jpeg1000x700=%.0f preprocess_glare=%.0f preprocess_phone_photo=%.0f",
                oneByOne, batched.get(1), batched.get(32), batched.get(256), batched.get(1024), batched.get(256) / oneByOne,
                preprocessing.get("PNG 200x200"), preprocessing.get("JPEG q70 1000x700"), preprocessing.get("glare (real-world render)"),
                preprocessing.get("phone photo (real-world render)"));
        out.println();
        out.println(summary);
        return summary;
    }

    /** A digit rendered as {@code evaluate --real-world} renders it under {@code condition}, the same for the same digit. */
    private static Function<byte[], byte[]> realWorld(Condition condition) {
        return mnist -> RealWorldRenders.render(mnist, condition, Arrays.hashCode(mnist)).bytes();
    }

    /** Best of three timed rounds after a warm-up round; {@code work} does at least the given count and returns what it did. */
    private static double imagesPerSecond(Function<Integer, Integer> work, int chunk) {
        double best = 0;
        for (int round = 0; round < 4; round++) {
            long start = System.nanoTime();
            long images = 0;
            while (System.nanoTime() - start < ROUND_NANOS) {
                images += work.apply(chunk);
            }
            double rate = images / ((System.nanoTime() - start) / 1e9);
            if (round > 0) { // round 0 warms up the JIT and DL4J's workspaces
                best = Math.max(best, rate);
            }
        }
        return best;
    }
}
