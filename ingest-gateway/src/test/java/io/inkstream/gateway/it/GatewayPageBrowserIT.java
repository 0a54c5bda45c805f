package io.inkstream.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.gateway.it.RunningPipeline.Pipeline;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.mnist.DigitRenderer;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs): upload a PNG of a real MNIST digit and see the right digit; draw a digit with
 * pointer events and see a prediction pushed by the event stream (and polled when the stream is cut), then say it was wrong and see it among the model's mistakes; the layout fits a phone. Screenshots are kept in
 * target/browser-screenshots.
 */
@ExtendWith({SharedInfrastructure.class, RunningPipeline.class})
class GatewayPageBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    private static final Duration CLASSIFIED_WITHIN = Duration.ofSeconds(90);

    private static ChromeDriver browser;
    private static Pipeline pipeline;

    @BeforeAll
    static void openBrowser(Pipeline running) throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "headless Chromium is not installed: apt-get install chromium chromium-driver (.ci/run does)");
        pipeline = running;
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1100");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL")); // the console, where a policy's refusals are
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    /**
     * The page works under its own Content-Security-Policy (GatewayApp): nothing it loads, runs or shows is refused, which
     * Chromium says on the console ("Refused to load the image ... because it violates ...").
     */
    @AfterEach
    void thePageBrokeNoRuleOfItsContentSecurityPolicy() {
        List<String> refused = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(message -> message.contains("Content Security Policy")).toList();
        assertThat(refused).as("the console's refusals").isEmpty();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void uploadingAPngOfAnMnistDigitShowsTheRightDigitAndItsTenProbabilities() throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        int index = firstDigitTheShippedModelReadsRight(digits);
        Path png = pngOf(digits, index);

        browser.get(pipeline.url("/"));
        browser.findElement(By.id("file-input")).sendKeys(png.toAbsolutePath().toString());

        WebElement result = awaitClassified();
        assertThat(result.getAttribute("data-digit")).isEqualTo(Integer.toString(digits.label(index)));
        assertThat(result.getAttribute("data-via")).as("pushed by the event stream, not polled").isEqualTo("stream");
        assertThat(browser.findElement(By.id("live-status")).getAttribute("data-state")).isEqualTo("live");
        assertThat(result.findElement(By.className("digit")).getText()).isEqualTo(Integer.toString(digits.label(index)));
        assertThat(result.findElements(By.cssSelector(".bars .bar"))).hasSize(10);
        assertThat(result.findElement(By.className("confidence")).getText()).endsWith("% sure");
        // Beside the upload, what the model saw: its 28 x 28 input, loaded from the API.
        WebElement seen = new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "no model input shown: " + result.getText())
                .until(b -> {
                    WebElement figure = result.findElement(By.cssSelector("figure.seen"));
                    return figure.isDisplayed() ? figure.findElement(By.tagName("img")) : null;
                });
        assertThat(((Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth;", seen)).intValue()).isEqualTo(28);
        screenshot("upload");
    }

    /**
     * A phone's photo is 2-5 MB, over the 1 MiB an image may be, and stored on its side with an EXIF tag saying how to
     * turn it: the page asks the gateway's limits, scales the photo down in the browser, turned as its tag says, and the
     * digit is read. The control: the same file sent as it is is refused, 413.
     */
    @Test
    void aPhotoLargerThanTheGatewayTakesIsScaledDownByThePageAndRead() throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        int index = firstDigitTheShippedModelReadsRight(digits);
        Path photo = phonePhotoOf(digits, index);
        assertThat(Files.size(photo)).as("the photo's bytes").isGreaterThan(2L << 20);

        WebElement result = refusedAsItIsThenReadFromThePage(photo, "image/jpeg", 413);
        assertThat(result.getAttribute("data-digit")).isEqualTo(Integer.toString(digits.label(index)));
        assertThat(result.findElement(By.cssSelector("img.upload")).getAttribute("title"))
                .as("upright, 3000 x 4000 as viewed, sent at 1600 px high").endsWith("(sent as 1200 x 1600, from 3000 x 4000)");
        screenshot("large-photo");
    }

    /**
     * A picture in a format the browser reads and the gateway does not (an AVIF here; an iPhone's HEIC in Safari) is sent
     * by the page as a JPEG. The file: validation digit 0, a 3, drawn at 280 x 280 as {@link #pngOf} draws it, then
     * {@code avifenc -y 420} (libavif 0.11.1, Debian's libavif-bin). The control: posted as it is, 415.
     */
    @Test
    void aPictureOnlyTheBrowserReadsIsSentAsAJpegAndRead() throws Exception {
        Path avif = Files.createTempFile("three-", ".avif");
        avif.toFile().deleteOnExit();
        try (var in = GatewayPageBrowserIT.class.getResourceAsStream("three.avif")) {
            Files.write(avif, in.readAllBytes());
        }

        WebElement result = refusedAsItIsThenReadFromThePage(avif, "image/avif", 415);
        assertThat(result.getAttribute("data-digit")).isEqualTo("3");
        assertThat(result.findElement(By.cssSelector("img.upload")).getAttribute("title")).endsWith("(sent as 280 x 280, from 280 x 280)");
    }

    /**
     * More files than one request may carry (32, `maxImagesPerRequest`) go in several requests: 34 dropped at once were one
     * request, refused whole (413).
     */
    @Test
    void moreFilesThanOneRequestMayCarryAreAllClassified() throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 34; i++) {
            files.add(pngOf(digits, i).toAbsolutePath().toString());
        }
        browser.get(pipeline.url("/"));
        browser.findElement(By.id("file-input")).sendKeys(String.join("\n", files));

        List<WebElement> results = new WebDriverWait(browser, CLASSIFIED_WITHIN).withMessage(() -> "not all 34 classified: "
                        + browser.findElement(By.id("results")).getText())
                .until(b -> {
                    List<WebElement> all = b.findElements(By.cssSelector("#results .result"));
                    return all.size() == files.size() && all.stream().allMatch(r -> "classified".equals(r.getAttribute("data-status")))
                            ? all : null;
                });
        assertThat(results).hasSize(34);
    }

    /** With the event stream cut off (the browser blocks it), the page says so and asks instead: the answer still comes. */
    @Test
    void whenTheEventStreamDropsThePageSaysSoAndPollsInstead() throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        int index = firstDigitTheShippedModelReadsRight(digits);
        Path png = pngOf(digits, index);
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/api/events*")));
        try {
            browser.get(pipeline.url("/"));
            browser.findElement(By.id("file-input")).sendKeys(png.toAbsolutePath().toString());
            new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "no word of the dropped stream: "
                            + browser.findElement(By.id("live-status")).getText())
                    .until(b -> "polling".equals(b.findElement(By.id("live-status")).getAttribute("data-state")));
            assertThat(browser.findElement(By.id("live-status")).getText()).contains("dropped");
            WebElement result = awaitClassified();
            assertThat(result.getAttribute("data-via")).isEqualTo("poll");
            assertThat(result.getAttribute("data-digit")).isEqualTo(Integer.toString(digits.label(index)));
            screenshot("stream-dropped");
        } finally {
            browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
        }
    }

    @Test
    void drawingADigitWithPointerEventsShowsAPrediction() throws Exception {
        browser.get(pipeline.url("/"));
        WebElement canvas = browser.findElement(By.id("canvas"));
        int height = canvas.getSize().getHeight();
        // A "1": one firm vertical stroke down the middle, drawn as a person would, in small moves.
        Actions stroke = new Actions(browser).moveToElement(canvas, 0, -height * 35 / 100).clickAndHold();
        for (int step = 0; step < 14; step++) {
            stroke.moveByOffset(0, height * 5 / 100);
        }
        stroke.release().perform();
        browser.findElement(By.id("classify-drawing")).click();

        WebElement result = awaitClassified();
        assertThat(result.getAttribute("data-digit")).isEqualTo("1");
        assertThat(result.findElements(By.cssSelector(".bars .bar"))).hasSize(10);
        screenshot("drawing");

        // "wrong? it is a 7": the person's label is recorded, and shows among the active model's recent mistakes.
        String id = result.getAttribute("data-id");
        assertThat(result.findElements(By.cssSelector(".correct .digit-pick"))).as("every digit but the answer").hasSize(9);
        pick(result, "7");
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "no confirmation; the result says: " + result.getText())
                .until(b -> result.findElement(By.className("truth")).getText().contains("wrong: it is a 7 (thank you: recorded)"));
        new WebDriverWait(browser, Duration.ofSeconds(90)).withMessage(() -> "image " + id + " not among the recent mistakes: "
                        + browser.findElement(By.id("mistakes-card")).getText())
                .until(b -> b.findElements(By.cssSelector("#mistakes li")).stream()
                        .anyMatch(li -> li.findElement(By.className("id")).getAttribute("title").equals(id)
                                && li.findElement(By.cssSelector("img.seen")).getAttribute("src").startsWith("blob:")
                                && li.getText().contains("said 1") && li.getText().contains("is 7")));
        screenshot("corrected");

        // Others label it a 4 (clients from 127.0.0.5 and .6, labellers of their own), one at a time; the person says 7 again
        // after each and is told where the labellers stand. One against one, the 4 stands: a labeller's vote is its latest label,
        // so the person's 7 now comes after it (as the compacted topic keeps it). Two against one, a 4.
        WebElement truth = result.findElement(By.className("truth"));
        assertThat(truth.getText()).as("nobody disagreed with the first label: nothing more said")
                .isEqualTo("wrong: it is a 7 (thank you: recorded)");
        labelAsAnotherClient("127.0.0.5", id, 4, "{\"4\":1,\"7\":1}");
        pick(result, "7");
        new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "not told that people disagree: " + truth.getText())
                .until(b -> truth.getText().equals("wrong: it is a 7 (thank you: recorded); people disagree (4: 1 labeller, 7: 1 labeller): "
                        + "4, given first, stands"));
        labelAsAnotherClient("127.0.0.6", id, 4, "{\"4\":2,\"7\":1}");
        pick(result, "7");
        new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "not told that most say 4: " + truth.getText())
                .until(b -> truth.getText().equals("wrong: it is a 7 (thank you: recorded); most labellers say it is a 4 (4: 2 labellers, "
                        + "7: 1 labeller)"));
        screenshot("outvoted");
    }

    private static void pick(WebElement result, String digit) {
        result.findElements(By.cssSelector(".correct .digit-pick")).stream().filter(b -> b.getText().equals(digit)).findFirst().orElseThrow()
                .click();
    }

    /** Labels the image from another address through the API, and waits until the image's votes are {@code votes} (JSON). */
    private static void labelAsAnotherClient(String address, String id, int digit, String votes) throws Exception {
        assertThat(RawHttp.label(pipeline.gateway().port(), address, "/api/images/" + id, digit)).isEqualTo(202);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest image = HttpRequest.newBuilder(URI.create(pipeline.url("/api/images/" + id))).build();
        Waits.until(() -> http.send(image, HttpResponse.BodyHandlers.ofString()).body(), body -> body.contains("\"votes\":" + votes),
                body -> body, Duration.ofSeconds(30), "the image's votes " + votes);
    }

    /**
     * An operator names v2 the shadow of the shipped model: an upload is answered by the shipped model alone, and the models
     * table marks v2 as the shadow with how often it agreed.
     */
    @Test
    void theModelsTableShowsTheShadowModelAndHowOftenItAgrees() throws Exception {
        RegisteredModel shipped = RegisteredModel.from(ShippedModels.DEFAULT.bytes());
        String shadow = ModelPublisher.publish(pipeline.kafka().clientProperties(), ShippedModels.V2.bytes());
        ModelPublisher.publish(pipeline.kafka().clientProperties(), shipped); // published again: active again, v2 known
        ModelPublisher.nameShadow(pipeline.kafka().clientProperties(), Optional.of(shadow));
        try {
            new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(() -> "the classifier has active "
                            + pipeline.classifier().models().current().map(RegisteredModel::version) + ", shadow "
                            + pipeline.classifier().models().shadowVersion())
                    .until(b -> pipeline.classifier().models().shadowVersion().equals(Optional.of(shadow))
                            && pipeline.classifier().models().current().map(m -> m.version().equals(shipped.version())).orElse(false));
            LabelledDigits digits = BundledMnist.validation();
            browser.get(pipeline.url("/"));
            browser.findElement(By.id("file-input")).sendKeys(pngOf(digits, firstDigitTheShippedModelReadsRight(digits)).toAbsolutePath().toString());
            WebElement result = awaitClassified();
            assertThat(result.getText()).as("answered by the active model").contains(shipped.version()).doesNotContain(shadow);

            // The table is counted at most every 10 s and the page asks every 11 s: opening it again shows the count sooner.
            WebElement row = new WebDriverWait(browser, Duration.ofSeconds(90)).withMessage(() -> "no shadow row with agreement: "
                            + browser.findElement(By.id("models")).getText())
                    .pollingEvery(Duration.ofSeconds(2))
                    .until(b -> {
                        b.get(pipeline.url("/"));
                        try {
                            return new WebDriverWait(b, Duration.ofSeconds(3)).until(page -> page.findElements(By.cssSelector("#models tr"))
                                    .stream().filter(tr -> "shadow".equals(tr.getAttribute("data-role"))
                                            && tr.findElement(By.className("agreement")).getText().contains("% of"))
                                    .findFirst().orElse(null));
                        } catch (TimeoutException notYet) {
                            return null;
                        }
                    });
            assertThat(row.findElement(By.className("version")).getText()).contains(shadow).contains("shadow");
            screenshot("shadow");
        } finally {
            ModelPublisher.nameShadow(pipeline.kafka().clientProperties(), Optional.empty());
        }
    }

    @Test
    void thePageFitsAPhoneSizedScreen() throws Exception {
        try {
            browser.manage().window().setSize(new Dimension(390, 844));
            browser.get(pipeline.url("/"));
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> !b.findElement(By.id("health-text")).getText().contains("checking"));
            Object overflow = ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
            assertThat(browser.findElement(By.id("canvas")).getSize().getWidth()).isLessThanOrEqualTo(390);
            assertThat(browser.findElement(By.id("health")).getAttribute("class")).contains("up");
            screenshot("phone");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 1100));
        }
    }

    /** The newest submission, once classified; fails with what the page shows if it never is. */
    /** The control first: the file posted to the API as it is gets {@code status}; then the page's answer for it. */
    private static WebElement refusedAsItIsThenReadFromThePage(Path file, String contentType, int status) throws Exception {
        HttpResponse<String> asItIs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(pipeline.url("/api/images")))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(asItIs.statusCode()).as(asItIs.body()).isEqualTo(status);

        browser.get(pipeline.url("/"));
        browser.findElement(By.id("file-input")).sendKeys(file.toAbsolutePath().toString());
        return awaitClassified();
    }

    private static WebElement awaitClassified() {
        return new WebDriverWait(browser, CLASSIFIED_WITHIN).withMessage(() -> "no classified result; results: "
                        + browser.findElement(By.id("results")).getText())
                .until(b -> {
                    var results = b.findElements(By.cssSelector("#results .result"));
                    if (results.isEmpty()) {
                        return null;
                    }
                    WebElement newest = results.get(0);
                    return "classified".equals(newest.getAttribute("data-status")) ? newest : null;
                });
    }

    /** A digit drawn as a 280 x 280 PNG in a file, as a person would pick it. */
    private static Path pngOf(LabelledDigits digits, int index) throws IOException {
        Path png = Files.createTempFile("mnist-" + digits.label(index) + "-", ".png");
        return Files.write(png, DigitRenderer.png(DigitRenderer.render(digits.images().imageBytes(index), 280, 280, 210, 35, 35, 0)));
    }

    /**
     * A 3000 x 4000 photo of the digit, as a phone held upright stores it: on its side (4000 x 3000) with EXIF Orientation
     * 6, the paper's grain as noise, so that the JPEG is the size a phone's is.
     */
    private static Path phonePhotoOf(LabelledDigits digits, int index) throws IOException {
        BufferedImage upright = DigitRenderer.render(digits.images().imageBytes(index), 3000, 4000, 2000, 500, 1000, 0);
        Random grain = new Random(index);
        WritableRaster raster = upright.getRaster();
        for (int y = 0; y < upright.getHeight(); y++) {
            for (int x = 0; x < upright.getWidth(); x++) {
                raster.setSample(x, y, 0, Math.max(0, Math.min(255, raster.getSample(x, y, 0) - 20 + grain.nextInt(25))));
            }
        }
        BufferedImage stored = DigitRenderer.quarterTurnsClockwise(upright, 3);
        Path photo = Files.createTempFile("photo-" + digits.label(index) + "-", ".jpg");
        photo.toFile().deleteOnExit(); // 5 MB
        return Files.write(photo, DigitRenderer.withExifOrientation(DigitRenderer.jpeg(stored, 0.95f), 6));
    }

    private static int firstDigitTheShippedModelReadsRight(LabelledDigits digits) throws Exception {
        DigitClassifier model = ShippedModels.DEFAULT.load().classifier();
        DigitPreprocessor preprocessor = new DigitPreprocessor();
        for (int i = 0; i < 100; i++) {
            byte[] png = DigitRenderer.png(DigitRenderer.render(digits.images().imageBytes(i), 280, 280, 210, 35, 35, 0));
            if (model.classify(preprocessor.preprocess(png).pixels()).label() == digits.label(i)) {
                return i;
            }
        }
        throw new AssertionError("the shipped model reads none of the first 100 digits right");
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
