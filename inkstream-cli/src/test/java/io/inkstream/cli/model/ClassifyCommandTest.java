package io.inkstream.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.cli.CliRun;
import io.inkstream.image.PreprocessingLimits;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyCommandTest {
    private static final LabelledDigits DIGITS = BundledMnist.validation();

    @TempDir
    Path temp;

    @Test
    void printsOneLinePerFileInTheOrderGivenWalkingDirectoriesAcrossModelCalls() throws Exception {
        // 300 digits: more than one model call's group, so the lines of two calls must join in order.
        Path directory = Files.createDirectories(temp.resolve("digits"));
        for (int i = 0; i < 300; i++) {
            Path file = directory.resolve(i % 3 == 0 ? "sub" : ".").resolve(String.format("%03d-%d.mnist", i, DIGITS.label(i)));
            Files.createDirectories(file.getParent());
            Files.write(file, DIGITS.images().imageBytes(i));
        }
        Files.write(directory.resolve(".hidden.mnist"), DIGITS.images().imageBytes(0));
        Path loose = Files.write(temp.resolve("seven.png"), png(sevenIndex()));

        CliRun run = CliRun.of("classify", loose.toString(), directory.toString());

        assertThat(run.exit()).isZero();
        String[] lines = run.out().strip().split("\n");
        assertThat(lines).hasSize(301);
        assertThat(lines[0]).matches(Pattern.quote(loose.toString()) + " 7 (0|1)\\.\\d{4}");
        List<String> expectedPaths = new ArrayList<>();
        try (var walk = Files.walk(directory)) {
            walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted()
                    .forEach(p -> expectedPaths.add(p.toString()));
        }
        int right = 0;
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(" ");
            assertThat(fields[0]).isEqualTo(expectedPaths.get(i - 1));
            String trueDigit = fields[0].replaceAll(".*-(\\d)\\.mnist$", "$1");
            right += fields[1].equals(trueDigit) ? 1 : 0;
        }
        // The default model reads more than 99% of MNIST's validation digits: a misplaced line would read as a wrong digit.
        assertThat(right).as("digits read right of 300").isGreaterThanOrEqualTo(294);
    }

    @Test
    void readsAnImageFromAPipeAndFromStandardInput() throws Exception {
        // A pipe (a shell's <(...), /dev/stdin) says its size is 0: it was read as 0 bytes and refused as empty.
        Path fifo = temp.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        byte[] seven = png(sevenIndex());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(seven);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        CliRun fromPipe = CliRun.of("classify", fifo.toString());
        assertThat(fromPipe.out()).matches(Pattern.quote(fifo.toString()) + " 7 (0|1)\\.\\d{4}\\n");
        writer.get(10, TimeUnit.SECONDS);

        InputStream original = System.in;
        try {
            System.setIn(new ByteArrayInputStream(seven));
            CliRun fromStandardInput = CliRun.of("classify", "-");
            assertThat(fromStandardInput.exit()).isZero();
            assertThat(fromStandardInput.out()).matches("- 7 (0|1)\\.\\d{4}\\n");
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void aFileItCannotReadIsRefusedOnItsLineAndTheOthersAreStillClassified() throws Exception {
        Path seven = Files.write(temp.resolve("seven.png"), png(sevenIndex()));
        Path huge = temp.resolve("video.mp4");
        try (var out = Files.newOutputStream(huge)) {
            out.write(new byte[30 << 20]);
        }

        CliRun run = CliRun.of("classify", temp.resolve("missing.png").toString(), huge.toString(), seven.toString());

        assertThat(run.exit()).isEqualTo(1);
        String[] lines = run.out().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo(temp.resolve("missing.png") + " refused unreadable: no such file");
        assertThat(lines[1]).isEqualTo(huge + " refused too-large: the image has 31457280 bytes, more than the limit of 16777216; "
                + "scale it down: a digit needs no more than 1,000 pixels a side");
        assertThat(lines[2]).startsWith(seven + " 7 ");
        assertThat(CliRun.of("classify", Files.createDirectories(temp.resolve("empty")).toString()).exit()).isEqualTo(1);
    }

    /** A name is anyone's text: with a line break in it, the file was two lines, the second a result that was never made. */
    @Test
    void aPathWithALineBreakIsOneLineWithTheBreakEscaped() throws Exception {
        Path forged = Files.write(temp.resolve("x\nfour.png 4 1.0000"), png(sevenIndex()));
        Path blank = Files.write(temp.resolve("blank\u001b[2J.png"), new byte[784]);

        CliRun run = CliRun.of("classify", forged.toString(), blank.toString());

        String[] lines = run.out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith(temp + "/x\\nfour.png 4 1.0000 7 ");
        assertThat(lines[1]).startsWith(temp + "/blank\\u001b[2J.png refused ");
    }

    /** A phone's photo of a 7 (4032 x 3024, the paper's grain as noise: 4-5 MB), over the services' 1 MiB, is classified. */
    @Test
    void aPhonesPhotoIsClassifiedWhole() throws Exception {
        BufferedImage photo = DigitRenderer.render(DIGITS.images().imageBytes(sevenIndex()), 4032, 3024, 2000, 1016, 512, 0);
        Random grain = new Random(7);
        WritableRaster raster = photo.getRaster();
        for (int y = 0; y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                raster.setSample(x, y, 0, Math.max(0, Math.min(255, raster.getSample(x, y, 0) - 20 + grain.nextInt(25))));
            }
        }
        Path file = Files.write(temp.resolve("photo.jpg"), DigitRenderer.jpeg(photo, 0.95f));
        assertThat(Files.size(file)).as("the photo's bytes").isGreaterThan(PreprocessingLimits.DEFAULT.maxBytes());

        CliRun run = CliRun.of("classify", file.toString());

        assertThat(run.out().strip()).matches(Pattern.quote(file.toString()) + " 7 (0|1)\\.\\d{4}");
        assertThat(run.exit()).isZero();
    }

    private static int sevenIndex() {
        for (int i = 0; ; i++) {
            if (DIGITS.label(i) == 7) {
                return i;
            }
        }
    }

    private static byte[] png(int index) throws Exception {
        return DigitRenderer.png(DigitRenderer.render(DIGITS.images().imageBytes(index), 200, 200, 150, 25, 25, 0));
    }
}
