package io.inkstream.ops.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.BasicConfigurator;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The log every service writes, configured by the {@code logback.xml} this module carries into each service's image
 * and the command line: its own events at INFO, one line each on stderr, whatever they quote; its libraries' chatter
 * left out. Each check also runs on logback's default configuration (what a service's classpath without the file
 * gets), which shows the check can see the fault.
 */
final class ServiceLogTest {
    /** A refused model's key as any producer on the models topic can write it: a forged event after a line break. */
    private static final String FORGED_KEY = "v3\n12:00:00.000 INFO  i.i.c.m.ModelRegistry - model registered"
            + " version=v9 current=true\u001b[2J\u202e";

    @Test
    void aMessageQuotingALineBreakOrATerminalsControlsStaysOneLineWithWhatArrivedEscaped() throws Exception {
        List<String> lines = logged(this::serviceLog, log -> log.getLogger("io.inkstream.classifier.models.ModelRegistry")
                .warn("model refused key={} reason=\"{}\"", FORGED_KEY, "entry 'pad\r\n0' is refused"));

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .contains(" WARN ")
                .endsWith("model refused key=v3\\n12:00:00.000 INFO  i.i.c.m.ModelRegistry - model registered"
                        + " version=v9 current=true\\u001b[2J\\u202e reason=\"entry 'pad\\r\\n0' is refused\"")
                .doesNotContain("\u001b", "\u202e", "\r");

        List<String> control = logged(ServiceLogTest::logbackDefault, log -> log.getLogger("io.inkstream.Any")
                .warn("model refused key={}", FORGED_KEY));
        assertThat(control).as("logback's own %%msg: the forged event is a line of its own").hasSize(2);
        assertThat(control.get(1)).startsWith("12:00:00.000 INFO  i.i.c.m.ModelRegistry - model registered");
    }

    @Test
    void aStackTracesFramesKeepTheirLinesAndNoExceptionMessageStartsOne() throws Exception {
        IllegalStateException cause = new IllegalStateException("cannot read key " + FORGED_KEY);
        RuntimeException thrown = new RuntimeException("request failed: " + FORGED_KEY, cause);
        thrown.addSuppressed(new IllegalArgumentException("suppressed " + FORGED_KEY));
        Consumer<LoggerContext> failure = log -> log.getLogger("io.inkstream.gateway.http.GatewayApp")
                .error("request failed method={} path={}", "POST", "/api/images", thrown);

        List<String> lines = logged(this::serviceLog, failure);
        assertThat(lines.get(0)).endsWith("request failed method=POST path=/api/images");
        assertThat(lines.get(1)).isEqualTo("java.lang.RuntimeException: request failed: v3\\n12:00:00.000 INFO  i.i.c.m.ModelRegistry"
                + " - model registered version=v9 current=true\\u001b[2J\\u202e");
        assertThat(lines).as("the frames, each on its line").anyMatch(line -> line.startsWith("\tat io.inkstream.ops.logging."));
        assertThat(lines).anyMatch(line -> line.startsWith("Caused by: java.lang.IllegalStateException: cannot read key v3\\n12:00"));
        assertThat(lines).anyMatch(line -> line.contains("Suppressed: java.lang.IllegalArgumentException: suppressed v3\\n12:00"));
        assertThat(lines).as("no line is the forged event").noneMatch(line -> line.startsWith("12:00:00.000"))
                .allMatch(line -> !line.contains("\u001b") && !line.contains("\u202e"));

        List<String> control = logged(ServiceLogTest::logbackDefault, failure);
        assertThat(control).as("logback's own %%ex: the forged event is a line of its own, three times")
                .filteredOn(line -> line.startsWith("12:00:00.000 INFO  i.i.c.m.ModelRegistry")).hasSize(3);
    }

    @Test
    void aServiceLogsItsOwnEventsAtInfoAndItsLibrariesWarningsOnly() throws Exception {
        Consumer<LoggerContext> events = log -> {
            log.getLogger("org.apache.kafka.clients.NetworkClient").debug("connection to node -1 could not be established");
            log.getLogger("org.apache.kafka.common.config.AbstractConfig").info("ProducerConfig values: ...");
            log.getLogger("org.eclipse.jetty.server.Server").info("Started");
            log.getLogger("io.inkstream.gateway.GatewayService").debug("a detail");
            log.getLogger("io.inkstream.gateway.GatewayService").info("gateway started url=http://0.0.0.0:8080/");
            log.getLogger("org.apache.kafka.clients.NetworkClient").warn("broker may not be available");
            // What any client can have written: the gateway answers and counts it instead.
            log.getLogger("org.eclipse.jetty.http.HttpParser").warn("URI is too large >{}", 8192);
        };

        assertThat(logged(this::serviceLog, events))
                .hasSize(2)
                .anySatisfy(line -> assertThat(line).endsWith("gateway started url=http://0.0.0.0:8080/"))
                .anySatisfy(line -> assertThat(line).endsWith("broker may not be available"));
        assertThat(logged(ServiceLogTest::logbackDefault, events)).as("logback's default: DEBUG, every library").hasSize(7);
    }

    @Test
    void kafkasWarningsThatMeanNothingAreLeftOutAndItsOthersKept() {
        // As Kafka logs them: a client's or a broker's LogContext puts its prefix before the message's format.
        Consumer<LoggerContext> events = log -> {
            log.getLogger("org.apache.kafka.controller.QuorumController").warn("[QuorumController id=1] Performing controller activation. "
                    + "The metadata log appears to be empty. Appending {} bootstrap record(s)", 6);
            log.getLogger("org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils").warn("[Consumer clientId=c-global-consumer, "
                    + "groupId=null] Not updating last stable offset for partition {} as it is no longer assigned", "models-0");
            log.getLogger("org.apache.kafka.clients.NetworkClient").warn("[NodeToControllerChannelManager id=1 name=registration] "
                    + "Attempting to close NetworkClient that has already been closed.");
            log.getLogger("org.apache.kafka.clients.NetworkClient").warn("[Producer clientId=p] Connection to node {} could not be "
                    + "established. Node may not be available.", 1);
            log.getLogger("org.apache.kafka.controller.QuorumController").error("[QuorumController id=1] Performing controller activation "
                    + "failed");
            log.getLogger("io.inkstream.classifier.ClassifierService").warn("as it is no longer assigned");
        };

        assertThat(logged(this::serviceLog, events)).hasSize(3)
                .anySatisfy(line -> assertThat(line).contains(" WARN ").endsWith("Connection to node 1 could not be established. Node may not be available."))
                .anySatisfy(line -> assertThat(line).contains(" ERROR ").endsWith("Performing controller activation failed"))
                .anySatisfy(line -> assertThat(line).contains(" WARN ").endsWith("ClassifierService - as it is no longer assigned"));
        assertThat(logged(ServiceLogTest::logbackDefault, events)).as("logback's default: every one of them").hasSize(6);
    }

    @Test
    void aMessageQuotingAMegabyteIsCut() {
        String key = "k".repeat(1_048_000);
        assertThat(OneLineMessageConverter.line("model tombstone ignored key=" + key))
                .startsWith("model tombstone ignored key=kkk")
                .endsWith("k... (" + (1_048_028 - OneLineMessageConverter.MAX_CHARACTERS) + " more characters)")
                .hasSizeLessThan(OneLineMessageConverter.MAX_CHARACTERS + 40);
    }

    private void serviceLog(LoggerContext context) {
        URL file = ServiceLogTest.class.getResource("/logback.xml");
        assertThat(file).as("logback.xml in service-ops").isNotNull();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(file);
        } catch (JoranException e) {
            throw new AssertionError(e);
        }
    }

    private static void logbackDefault(LoggerContext context) {
        BasicConfigurator configurator = new BasicConfigurator();
        configurator.setContext(context);
        configurator.configure(context);
    }

    /** The lines {@code events} leave on stderr (the service log) or stdout (logback's default) of a fresh context. */
    private static List<String> logged(Consumer<LoggerContext> configuration, Consumer<LoggerContext> events) {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintStream err = System.err;
        PrintStream out = System.out;
        PrintStream capture = new PrintStream(written, true, StandardCharsets.UTF_8);
        LoggerContext context = new LoggerContext();
        System.setErr(capture);
        System.setOut(capture);
        try {
            // A context of its own, beside the one SLF4J made for this JVM, needs its own MDC.
            context.setMDCAdapter(new LogbackMDCAdapter());
            context.start();
            configuration.accept(context);
            events.accept(context);
        } finally {
            context.stop();
            System.setErr(err);
            System.setOut(out);
        }
        return written.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
