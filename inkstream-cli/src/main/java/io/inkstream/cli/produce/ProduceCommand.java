package io.inkstream.cli.produce;

import io.inkstream.cli.ConsoleProgress;
import io.inkstream.cli.ImageFiles;
import io.inkstream.cli.kafka.KafkaOption;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.ImageFormat;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.ops.OneLine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inkstream produce}: bulk images straight onto the images topic, as any producer would. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        header = "Pushes images straight onto the images topic (no gateway).",
        description = "Pushes images straight onto the images topic (no gateway): files, directories (recursively), "
                + "or digits of the bundled MNIST validation set. Each file is checked like the gateway checks uploads; "
                + "refused ones are listed and skipped. Prints one summary line; with --print-ids, one id per image on stdout.")
public final class ProduceCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Parameters(paramLabel = "DIR|FILE", arity = "1..*", description = "Image files, directories to walk, or - for one image on standard input.")
        List<Path> paths;

        @Option(names = "--mnist", paramLabel = "COUNT", description = "Produce this many labelled digits of the bundled validation set.")
        Integer mnist;
    }

    @Option(names = "--labels-from-names",
            description = "Take the true digit from each file's name (7.png, 7_0042.png) or directory (7/0042.png).")
    boolean labelsFromNames;

    @Option(names = "--mnist-format", defaultValue = "mixed", paramLabel = "raw|png|mixed",
            description = "With --mnist: raw 784-byte digits, PNG renderings, or half of each (default: ${DEFAULT-VALUE}).")
    String mnistFormat;

    @Option(names = "--source", defaultValue = "cli", description = "The source header (default: ${DEFAULT-VALUE}).")
    String sourceName;

    @Option(names = "--print-ids", description = "Print each image's id and its file on stdout.")
    boolean printIds;

    /** One image ready to send. */
    private record Outgoing(String id, byte[] bytes, ImageFormat format, String name, OptionalInt label) {
    }

    @Override
    public Integer call() throws Exception {
        DigitPreprocessor inspector = new DigitPreprocessor();
        // Files are read one at a time while sending: a directory of any size costs one image of memory.
        List<ImageFile> files = source.mnist != null ? List.of() : files(source.paths);
        int total = source.mnist != null ? source.mnist : files.size();
        LabelledDigits digits = source.mnist != null ? mnistDigits(source.mnist) : null;
        Map<String, Integer> refused = new TreeMap<>();
        long started = System.nanoTime();
        AtomicLong acknowledged = new AtomicLong();
        long labelled = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        Instant submittedAt = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
             ProgressBar bar = ConsoleProgress.bar("produce", "images")) {
            bar.maxHint(total);
            for (int i = 0; i < total && failure.get() == null; i++) {
                Outgoing image;
                try {
                    image = digits != null ? mnist(digits, i, mnistFormat, inspector) : file(files.get(i), inspector);
                } catch (ImageRejectedException | IOException e) {
                    String reason = e instanceof ImageRejectedException rejected ? rejected.reason().code() : "unreadable";
                    refused.merge(reason, 1, Integer::sum);
                    // In --mnist mode there are no files: name the digit (indexing the empty list once hid the reason).
                    String skipped = digits != null ? "mnist-validation-" + i : OneLine.of(files.get(i).path().toString());
                    System.err.println("skipped " + skipped + ": " + e.getMessage());
                    bar.step();
                    continue;
                }
                labelled += image.label().isPresent() ? 1 : 0;
                producer.send(new ProducerRecord<>(Topics.IMAGES, null, image.id(), image.bytes(), headers(image, submittedAt)), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        acknowledged.incrementAndGet();
                    }
                    bar.step();
                });
                if (printIds) {
                    System.out.println(image.id() + " " + OneLine.of(image.name())
                            + image.label().stream().mapToObj(l -> " label=" + l).findFirst().orElse(""));
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the broker refused an image after " + acknowledged.get() + " were acknowledged: "
                    + failure.get().getMessage(), failure.get());
        }
        if (acknowledged.get() == 0) {
            throw new IllegalArgumentException("nothing produced" + (refused.isEmpty() ? "" : ": every file was refused " + refused));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.err.printf(Locale.ROOT, "produced images=%d labelled=%d refused=%s seconds=%.1f images_per_s=%.0f topic=%s bootstrap=%s%n",
                acknowledged.get(), labelled, refused.isEmpty() ? "0" : refused.toString(), seconds, acknowledged.get() / seconds, Topics.IMAGES,
                kafka.bootstrap());
        return 0;
    }

    private Outgoing file(ImageFile file, DigitPreprocessor inspector) throws IOException, ImageRejectedException {
        byte[] bytes = ImageFiles.read(file.path(), inspector.limits().maxBytes());
        return new Outgoing(UUID.randomUUID().toString(), bytes, inspector.inspect(bytes), file.path().getFileName().toString(),
                labelsFromNames ? file.label() : OptionalInt.empty());
    }

    private RecordHeaders headers(Outgoing image, Instant submittedAt) {
        return Headers.image(image.format().contentType(), sourceName, submittedAt, Optional.of(image.name()), image.label());
    }

    private Properties producerProperties() {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PipelineTopics.IMAGE_MAX_MESSAGE_BYTES);
        // Fail within a minute when the broker cannot be reached, rather than waiting forever.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        return p;
    }

    private static LabelledDigits mnistDigits(int count) {
        LabelledDigits digits = BundledMnist.validation();
        if (count < 1 || count > digits.size()) {
            throw new IllegalArgumentException("--mnist takes 1 to " + digits.size() + " digits");
        }
        return digits;
    }

    private static Outgoing mnist(LabelledDigits digits, int i, String format, DigitPreprocessor inspector) throws ImageRejectedException {
        byte[] raw = digits.images().imageBytes(i);
        boolean png = switch (format.toLowerCase(Locale.ROOT)) {
            case "raw" -> false;
            case "png" -> true;
            case "mixed" -> i % 2 == 1;
            default -> throw new IllegalArgumentException("--mnist-format is raw, png or mixed, not " + format);
        };
        byte[] bytes = png ? DigitRenderer.png(DigitRenderer.render(raw, 200, 200, 150, 25, 25, 0)) : raw;
        return new Outgoing(UUID.randomUUID().toString(), bytes, inspector.inspect(bytes), "mnist-validation-" + i + (png ? ".png" : ".mnist"),
                OptionalInt.of(digits.label(i)));
    }

    private static List<ImageFile> files(List<Path> paths) throws IOException {
        return ImageFiles.expand(paths).stream().map(ImageFile::of).toList();
    }
}
