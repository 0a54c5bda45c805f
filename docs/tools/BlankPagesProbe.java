import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.mnist.RealWorldRenders;

/**
 * How many blank pages of each real-world condition the preprocessing refuses as having no ink (docs/model.md, blank pages
 * of print): every condition rendered with an empty digit (784 zero bytes), seeds 1000 on, and the seeds read as a digit.
 *
 * <pre>java -cp "$(cat inkstream-cli/target/runtime-classpath.txt)" docs/tools/BlankPagesProbe.java [PAGES]</pre>
 */
public final class BlankPagesProbe {
    public static void main(String[] args) {
        int pages = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        DigitPreprocessor preprocessor = new DigitPreprocessor();
        for (RealWorldRenders.Condition condition : RealWorldRenders.Condition.values()) {
            int refused = 0;
            StringBuilder read = new StringBuilder();
            for (int seed = 1000; seed < 1000 + pages; seed++) {
                try {
                    preprocessor.preprocess(RealWorldRenders.render(new byte[784], condition, seed).bytes());
                    read.append(' ').append(seed);
                } catch (ImageRejectedException e) {
                    refused++;
                }
            }
            System.out.printf("%-20s refused %3d of %d%s%n", condition.id(), refused, pages, read.length() == 0 ? "" : "; read as a digit:" + read);
        }
    }
}
