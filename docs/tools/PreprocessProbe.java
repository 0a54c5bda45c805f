import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What preprocessing each file costs (docs/robustness.md): the whole of {@code DigitPreprocessor.preprocess}, the best of
 * three calls in one JVM, with how it ended (the digit's size, or the refusal). The files are the uploads to look at, e.g.
 * plain pages made with {@code cwebp -lossless -z 0 page.png -o page.webp}.
 *
 * <pre>java -cp "$(cat inkstream-cli/target/runtime-classpath.txt)" docs/tools/PreprocessProbe.java FILES...</pre>
 */
public final class PreprocessProbe {
    public static void main(String[] files) throws Exception {
        DigitPreprocessor preprocessor = new DigitPreprocessor();
        for (String file : files) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            long best = Long.MAX_VALUE;
            String outcome = "";
            for (int call = 0; call < 3; call++) {
                long start = System.nanoTime();
                try {
                    outcome = "read, " + preprocessor.preprocess(bytes).pixels().length + " values";
                } catch (ImageRejectedException refused) {
                    outcome = refused.reason() + ": " + refused.getMessage();
                }
                best = Math.min(best, System.nanoTime() - start);
            }
            System.out.printf("%10.1f ms  %8d bytes  %s  %s%n", best / 1e6, bytes.length, file, outcome);
        }
    }
}
