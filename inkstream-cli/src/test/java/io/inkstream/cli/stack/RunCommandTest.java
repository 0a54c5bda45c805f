package io.inkstream.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.InkstreamCli;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.ops.ServiceCommand;
import io.inkstream.ops.config.Environment;
import io.inkstream.sink.SinkConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code inkstream run X --option value}: each option lands in the service's configuration, through its
 * own parser, and wins over the variable it stands for; what no option names still comes from the
 * environment.
 */
class RunCommandTest {
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "INKSTREAM_KAFKA_BOOTSTRAP", "from-the-environment:9092",
            SinkConfig.MAX_IN_FLIGHT, "7",
            ClassifierConfig.BATCH_MAX_RECORDS, "9");

    @Test
    void theSinksOptionsOverTheEnvironment() {
        SinkConfig sink = SinkConfig.fromEnvironment(environment("sink", "--bootstrap", "b1:9092,b2:9092", "--cassandra", "127.0.0.2:9042,127.0.0.3:9043",
                "--local-dc", "dc2", "--http-host", "0.0.0.0", "--http-port", "18082", "--group", "sinks", "--instance-id", "sink-1"));
        assertThat(sink.bootstrapServers()).isEqualTo("b1:9092,b2:9092");
        assertThat(sink.contactPoints()).containsExactly(new InetSocketAddress("127.0.0.2", 9042), new InetSocketAddress("127.0.0.3", 9043));
        assertThat(sink.localDatacenter()).isEqualTo("dc2");
        assertThat(sink.httpHost()).isEqualTo("0.0.0.0");
        assertThat(sink.httpPort()).isEqualTo(18082);
        assertThat(sink.groupId()).isEqualTo("sinks");
        assertThat(sink.instanceId()).contains("sink-1");
        assertThat(sink.maxInFlight()).as("no option: the variable").isEqualTo(7);
    }

    @Test
    void theClassifiersOptionsOverTheEnvironment() {
        ClassifierConfig classifier = ClassifierConfig.fromEnvironment(environment("classifier", "--bootstrap", "b1:9092", "--http-port", "0",
                "--state-dir", "/var/lib/inkstream/c1", "--instance-id", "classifier-1", "--threads", "2"));
        assertThat(classifier.bootstrapServers()).isEqualTo("b1:9092");
        assertThat(classifier.httpPort()).isZero();
        assertThat(classifier.stateDir()).isEqualTo(Path.of("/var/lib/inkstream/c1"));
        assertThat(classifier.instanceId()).contains("classifier-1");
        assertThat(classifier.streamThreads()).isEqualTo(2);
        assertThat(classifier.batch().maxRecords()).as("no option: the variable").isEqualTo(9);
    }

    @Test
    void theGatewaysOptionsOverTheEnvironment() {
        GatewayConfig gateway = GatewayConfig.fromEnvironment(environment("gateway", "--bootstrap", "b1:9092", "--cassandra", "127.0.0.2:9042",
                "--http-host", "0.0.0.0", "--http-port", "18080", "--insecure"));
        assertThat(gateway.bootstrapServers()).isEqualTo("b1:9092");
        assertThat(gateway.host()).isEqualTo("0.0.0.0");
        assertThat(gateway.port()).isEqualTo(18080);
        assertThat(gateway.open()).isTrue();
    }

    @Test
    void withoutOptionsTheEnvironmentIsAllThereIs() {
        assertThat(SinkConfig.fromEnvironment(environment("sink")).bootstrapServers()).isEqualTo("from-the-environment:9092");
        assertThat(SinkConfig.fromEnvironment(environment("sink")).instanceId()).isEqualTo(Optional.empty());
    }

    @Test
    void anUnknownOptionIsACommandLineErrorNotAStart() {
        assertThat(InkstreamCli.run("run", "sink", "--bootstrp", "b1:9092")).isEqualTo(2);
    }

    /** Parses {@code inkstream run <service> args} as the CLI does and returns the variables the service would read. */
    private static Environment environment(String service, String... args) {
        CommandLine cli = new CommandLine(new InkstreamCli());
        List<CommandLine> parsed = cli.parseArgs(concat("run", service, args)).asCommandLineList();
        ServiceCommand command = parsed.get(parsed.size() - 1).getCommand();
        return new Environment(command.environment(ENVIRONMENT));
    }

    private static String[] concat(String first, String second, String... rest) {
        String[] all = new String[rest.length + 2];
        all[0] = first;
        all[1] = second;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }
}
