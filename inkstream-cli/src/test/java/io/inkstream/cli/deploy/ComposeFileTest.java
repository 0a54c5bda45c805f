package io.inkstream.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.cli.InkstreamCli;
import io.inkstream.contract.topic.PipelineAcls;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.gateway.GatewayConfig;
import io.inkstream.infra.cassandra.LocalCassandra;
import io.inkstream.infra.kafka.LocalKafka;
import io.inkstream.ops.config.Environment;
import io.inkstream.ops.config.KafkaClientSettings;
import io.inkstream.sink.SinkConfig;
import io.inkstream.store.CassandraSessions;
import io.inkstream.store.PredictionRoles;
import io.inkstream.store.PredictionSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * There is no Docker engine here, so docker-compose.yml and the Dockerfile are checked against the
 * services' real configuration: every variable is one the service reads (its own config parser is
 * the judge), the ports and health checks are the services' ports, the addresses are the compose
 * services', the topic set-up creates the contract's topics with their settings, the schema step
 * applies the services' schema, and every image target and main class exists.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static JsonNode compose;
    private static String dockerfile;

    @BeforeAll
    static void read() throws IOException {
        // SnakeYAML resolves anchors and merge keys (<<: *inkstream-service) as compose does.
        Object yaml = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8));
        compose = new ObjectMapper().valueToTree(yaml);
        dockerfile = Files.readString(ROOT.resolve("Dockerfile"), StandardCharsets.UTF_8);
    }

    @Test
    void everyVariableOfAServiceIsOneItReadsWithAValidValue() {
        // Each fromEnvironment refuses unknown INKSTREAM_ variables and malformed values, naming them.
        GatewayConfig gateway = GatewayConfig.fromEnvironment(environment("gateway"));
        ClassifierConfig classifier = ClassifierConfig.fromEnvironment(environment("classifier"));
        SinkConfig sink = SinkConfig.fromEnvironment(environment("sink"));

        assertThat(gateway.host()).isEqualTo("0.0.0.0");
        assertThat(gateway.apiKey()).as("off unless the operator sets it").isEmpty();
        // Open inside its container, so published on the host's loopback only.
        assertThat(gateway.open()).isTrue();
        assertThat(service("gateway").get("ports").get(0).asText()).startsWith("127.0.0.1:");
        assertThat(classifier.stateDir().toString()).startsWith("/var/lib/inkstream");
        assertThat(sink.contactPoints()).isNotEmpty();
    }

    @Test
    void theBrokerTakesScramLoginsOnlyAndEnforcesAcls() throws IOException {
        Properties broker = brokerProperties();
        assertThat(broker.getProperty("authorizer.class.name")).isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        assertThat(broker.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
        assertThat(broker.getProperty("super.users")).isEqualTo("User:" + LocalKafka.ADMIN + ";User:ANONYMOUS");
        assertThat(broker.getProperty("sasl.enabled.mechanisms")).isEqualTo(LocalKafka.SCRAM_MECHANISM);
        // Every listener a client reaches takes SASL; the PLAINTEXT controller (where ANONYMOUS is a super user) listens in-container only.
        for (String listener : broker.getProperty("listeners").split(",")) {
            String name = listener.substring(0, listener.indexOf(':'));
            String protocol = find(broker.getProperty("listener.security.protocol.map"), name + ":(\\w+)");
            if (name.equals(broker.getProperty("controller.listener.names"))) {
                assertThat(listener).as("the controller listener").contains("//localhost:");
            } else {
                assertThat(protocol).as(listener).isEqualTo("SASL_PLAINTEXT");
            }
        }
        assertThat(service("kafka").get("ports").get(0).asText()).startsWith("127.0.0.1:");
        assertThat(service("cassandra").get("ports").get(0).asText()).startsWith("127.0.0.1:");
    }

    /** Compose's node runs Cassandra's precise clock as `inkstream up`'s does (no 2 ms clock task); compose reads $$ as $. */
    @Test
    void theComposeNodeRunsThePreciseClockAsTheLocalNodeDoes() {
        assertThat(service("cassandra").get("environment").get("JVM_EXTRA_OPTS").asText())
                .isEqualTo("-D" + LocalCassandra.APPROXIMATE_CLOCK_PROPERTY + "=" + LocalCassandra.PRECISE_CLOCK_CLASS.replace("$", "$$"));
    }

    @Test
    void eachServiceLogsInAsItsOwnPrincipalWhichTheAclsAndRolesName() {
        PipelineAcls acls = PipelineAcls.defaults();
        PredictionRoles roles = PredictionRoles.defaults();
        String formatted = service("kafka").get("command").get(0).asText();
        Map<String, String> principals = Map.of("gateway", acls.gateway(), "classifier", acls.classifier(), "sink", acls.sink());
        principals.forEach((name, principal) -> {
            Properties client = ClassifierConfig.fromEnvironment(withoutOthers(environment(name))).kafkaClient();
            String user = find(client.getProperty("sasl.jaas.config"), "username=\"([^\"]+)\"");
            assertThat("User:" + user).as(name + "'s login").isEqualTo(principal);
            assertThat(client.getProperty("security.protocol")).isEqualTo("SASL_PLAINTEXT");
            assertThat(formatted).as("a SCRAM credential for " + user).contains("scram " + user + " ");
        });
        assertThat(formatted).contains("scram " + acls.operator().substring("User:".length()) + " ").contains("scram " + LocalKafka.ADMIN + " ");
        assertThat(service("kafka-acls").get("command").get(0).asText()).isEqualTo("kafka-acls");
        assertThat(new CommandLine(new InkstreamCli()).getSubcommands()).containsKeys("kafka-acls", "cassandra-roles");
        assertThat(environment("kafka-acls").string(KafkaClientSettings.PREFIX + "SASL_JAAS_CONFIG", "")).contains("username=\"admin\"");

        assertThat(GatewayConfig.fromEnvironment(environment("gateway")).cassandraAccess().login().orElseThrow().username()).isEqualTo(roles.gateway());
        assertThat(SinkConfig.fromEnvironment(environment("sink")).cassandraAccess().login().orElseThrow().username()).isEqualTo(roles.sink());
        assertThat(service("cassandra-roles").get("command").get(0).asText()).isEqualTo("cassandra-roles");
        assertThat(environment("cassandra-roles").string("INKSTREAM_CASSANDRA_GATEWAY_PASSWORD", ""))
                .isEqualTo(environment("gateway").string(CassandraSessions.PASSWORD, "")).isNotEmpty();
        assertThat(environment("cassandra-roles").string("INKSTREAM_CASSANDRA_SINK_PASSWORD", ""))
                .isEqualTo(environment("sink").string(CassandraSessions.PASSWORD, "")).isNotEmpty();
        assertThat(service("cassandra").get("command").get(0).asText()).contains("PasswordAuthenticator").contains("CassandraAuthorizer");
    }

    /** The broker's settings: the file mounted into the kafka service, which its command starts the broker with. */
    private static Properties brokerProperties() throws IOException {
        String volume = StreamSupport.stream(service("kafka").get("volumes").spliterator(), false).map(JsonNode::asText)
                .filter(v -> v.endsWith(":/etc/inkstream/kafka.properties:ro")).findFirst().orElseThrow();
        assertThat(service("kafka").get("command").get(0).asText()).contains("kafka-server-start.sh /etc/inkstream/kafka.properties");
        Properties broker = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve(volume.substring(0, volume.indexOf(':')).replaceFirst("^\\./", "")))) {
            broker.load(in);
        }
        return broker;
    }

    /** A gateway's or sink's environment read by the classifier's configuration, for its Kafka login only. */
    private static Environment withoutOthers(Environment env) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : List.of(ClassifierConfig.BOOTSTRAP, KafkaClientSettings.PREFIX + "SECURITY_PROTOCOL",
                KafkaClientSettings.PREFIX + "SASL_MECHANISM", KafkaClientSettings.PREFIX + "SASL_JAAS_CONFIG")) {
            kept.put(name, env.string(name, ""));
        }
        return new Environment(kept);
    }

    @Test
    void portsAndHealthChecksAreTheServicesOwn() {
        GatewayConfig gateway = GatewayConfig.fromEnvironment(environment("gateway"));
        ClassifierConfig classifier = ClassifierConfig.fromEnvironment(environment("classifier"));
        SinkConfig sink = SinkConfig.fromEnvironment(environment("sink"));

        assertThat(service("gateway").get("ports").get(0).asText()).isEqualTo("127.0.0.1:8080:" + gateway.port());
        assertThat(healthCheck("gateway")).contains("http://localhost:" + gateway.port() + "/health");
        assertThat(healthCheck("classifier")).contains("http://localhost:" + classifier.httpPort() + "/health");
        assertThat(healthCheck("sink")).contains("http://localhost:" + sink.httpPort() + "/health");
        assertThat(dockerfile).contains("EXPOSE " + gateway.port()).contains("EXPOSE " + classifier.httpPort()).contains("EXPOSE " + sink.httpPort());
    }

    @Test
    void servicesReachTheBrokerAndTheNodeAtTheirComposeAddresses() throws IOException {
        String internalListener = find(brokerProperties().getProperty("advertised.listeners"), "INTERNAL://([^,]+)");
        String cassandraHost = service("cassandra").get("hostname").asText();
        String datacenter = service("cassandra").get("environment").get("CASSANDRA_DC").asText();

        for (String name : List.of("gateway", "classifier", "sink")) {
            assertThat(environment(name).string(GatewayConfig.BOOTSTRAP, "")).as(name).isEqualTo(internalListener);
        }
        for (String name : List.of("gateway", "sink")) {
            assertThat(environment(name).string(SinkConfig.CONTACT_POINTS, "")).as(name).isEqualTo(cassandraHost + ":9042");
            assertThat(environment(name).string(SinkConfig.LOCAL_DC, "")).as(name).isEqualTo(datacenter);
        }
        assertThat(service("kafka-topics").get("command").get(0).asText()).contains("--bootstrap-server " + internalListener);
        assertThat(service("cassandra-schema").get("entrypoint").toString()).contains(cassandraHost);
    }

    @Test
    void theTopicStepCreatesTheContractsTopicsWithTheirSettings() {
        int partitions = Integer.parseInt(environment("classifier").string(ClassifierConfig.PARTITIONS, "6"));
        Map<String, String> expected = new TreeMap<>();
        for (NewTopic topic : PipelineTopics.topics(partitions, Optional.empty())) {
            expected.put(topic.name(), describe(topic.numPartitions(), topic.configs()));
        }
        Map<String, String> created = new TreeMap<>();
        Matcher line = Pattern.compile("create --topic (\\S+) --partitions (\\d+)(.*)").matcher(service("kafka-topics").get("command").get(0).asText());
        while (line.find()) {
            Map<String, String> configs = new HashMap<>();
            Matcher config = Pattern.compile("--config (\\S+)=(\\S+)").matcher(line.group(3));
            while (config.find()) {
                configs.put(config.group(1), config.group(2));
            }
            created.put(line.group(1), describe(Integer.parseInt(line.group(2)), configs));
        }
        assertThat(created).isEqualTo(expected);
    }

    @Test
    void theSchemaStepAppliesTheSchemaTheServicesApply() {
        String volume = service("cassandra-schema").get("volumes").get(0).asText();
        String source = volume.substring(0, volume.indexOf(':')).replaceFirst("^\\./", "");
        assertThat(source).endsWith(PredictionSchema.resourcePath());
        assertThat(ROOT.resolve(source)).exists();
    }

    @Test
    void everyDependencyWaitsForHealthOrCompletionAndEveryHealthyOneHasACheck() {
        compose.get("services").fields().forEachRemaining(entry -> {
            JsonNode dependsOn = entry.getValue().get("depends_on");
            if (dependsOn == null) {
                return;
            }
            dependsOn.fields().forEachRemaining(dependency -> {
                String condition = dependency.getValue().get("condition").asText();
                assertThat(condition).as(entry.getKey() + " -> " + dependency.getKey()).isIn("service_healthy", "service_completed_successfully");
                if (condition.equals("service_healthy")) {
                    assertThat(service(dependency.getKey()).has("healthcheck")).as(dependency.getKey() + " has a health check").isTrue();
                }
            });
        });
        assertThat(service("gateway").get("depends_on").fieldNames()).toIterable()
                .contains("kafka", "cassandra", "kafka-topics", "kafka-acls", "cassandra-schema", "cassandra-roles");
    }

    @Test
    void everyImageTargetExistsAndStartsTheCommandThatInkstreamRunStarts() throws Exception {
        Map<String, CommandLine> run = new CommandLine(new InkstreamCli()).getSubcommands().get("run").getSubcommands();
        for (String name : List.of("gateway", "classifier", "sink")) {
            String target = service(name).get("build").get("target").asText();
            Matcher stage = Pattern.compile("FROM runtime AS " + target + "\\n(?:.*\\n)*?ENTRYPOINT \\[.*\"(io\\.inkstream\\.[\\w.]+)\"]").matcher(dockerfile);
            assertThat(stage.find()).as("Dockerfile target " + target).isTrue();
            assertThat(Class.forName(stage.group(1)).getMethod("main", String[].class)).isNotNull();
            // The same entry: `docker run <image> --bootstrap ...` takes what `inkstream run <service> --bootstrap ...` takes.
            assertThat(run.get(name).getCommand().getClass().getName()).as("inkstream run " + name).isEqualTo(stage.group(1));
        }
    }

    @Test
    void dockerComposeItselfAcceptsTheFile() throws Exception {
        Optional<Path> tool = Stream.of("/usr/bin/docker-compose", "/usr/local/bin/docker-compose").map(Path::of).filter(Files::isExecutable)
                .findFirst();
        assumeTrue(tool.isPresent(), "docker-compose is not installed (apt-get install docker-compose; .ci/run does): "
                + "the other checks of this class still ran");
        Process process = new ProcessBuilder(tool.get().toString(), "-f", "docker-compose.yml", "config", "-q")
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("docker-compose config ended within 60 s: %s", output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static JsonNode service(String name) {
        JsonNode service = compose.get("services").get(name);
        assertThat(service).as("service " + name).isNotNull();
        return service;
    }

    /** A service's environment as the container sees it: ${VAR:-default} substituted with its default. */
    private static Environment environment(String name) {
        Map<String, String> variables = new LinkedHashMap<>();
        service(name).get("environment").fields().forEachRemaining(field -> {
            String value = field.getValue().asText().replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
            variables.put(field.getKey(), value);
        });
        return new Environment(variables);
    }

    private static String healthCheck(String name) {
        return service(name).get("healthcheck").get("test").toString();
    }

    private static String describe(int partitions, Map<String, String> configs) {
        return partitions + " partitions " + new TreeMap<>(configs);
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }
}
