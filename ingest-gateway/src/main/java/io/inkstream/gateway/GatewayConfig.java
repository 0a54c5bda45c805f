package io.inkstream.gateway;

import io.inkstream.contract.config.ConfigurationException;
import io.inkstream.contract.config.Environment;
import io.inkstream.model.artifact.ModelTrust;
import io.inkstream.model.preprocess.PreprocessingLimits;
import io.inkstream.store.PredictionSchema;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Everything the gateway reads from its environment, with the defaults in one place.
 *
 * @param bootstrapServers  {@code INKSTREAM_KAFKA_BOOTSTRAP}
 * @param host              {@code INKSTREAM_GATEWAY_HOST}: the interface to listen on, loopback unless set; any other
 *                          needs an API key, or {@code INKSTREAM_GATEWAY_INSECURE=true} to say that anyone who reaches it may upload
 * @param port              {@code INKSTREAM_GATEWAY_PORT}: the page, the API, health and metrics; 0 picks a free port
 * @param apiKey            {@code INKSTREAM_GATEWAY_API_KEY}: when set, every {@code /api} request must carry it
 * @param maxFiles          {@code INKSTREAM_GATEWAY_MAX_FILES}: images in one upload request
 * @param publishTimeout    {@code INKSTREAM_GATEWAY_PUBLISH_TIMEOUT_MS}: the longest an upload waits for the broker before 503
 * @param limits            {@code INKSTREAM_IMAGE_MAX_BYTES}, {@code INKSTREAM_IMAGE_MAX_SIDE}: shared with the classifier
 * @param contactPoints     {@code INKSTREAM_CASSANDRA_CONTACT_POINTS}
 * @param localDatacenter   {@code INKSTREAM_CASSANDRA_LOCAL_DC}
 * @param replication       {@code INKSTREAM_CASSANDRA_REPLICATION}: used if the gateway is first to create the schema
 * @param pinnedModel       {@code INKSTREAM_CLASSIFIER_MODEL}: the classifier's pin, so the models panel names the same active model
 * @param partitions        {@code INKSTREAM_TOPIC_PARTITIONS}: for topics created when missing
 * @param producerOverrides {@code INKSTREAM_KAFKA_PRODUCER_*}: any producer setting
 * @param modelTrust        {@code INKSTREAM_CLASSIFIER_TRUSTED_KEYS}: the classifier's trusted keys, so that the model list
 *                          accepts the same artifacts the classifier does
 */
public record GatewayConfig(String bootstrapServers, String host, int port, Optional<String> apiKey, int maxFiles, Duration publishTimeout,
                            PreprocessingLimits limits, List<InetSocketAddress> contactPoints, String localDatacenter, String replication,
                            Optional<String> pinnedModel, int partitions, Properties producerOverrides,
                            ModelTrust modelTrust) {

    public static final String BOOTSTRAP = "INKSTREAM_KAFKA_BOOTSTRAP";
    public static final String HOST = "INKSTREAM_GATEWAY_HOST";
    public static final String PORT = "INKSTREAM_GATEWAY_PORT";
    public static final String API_KEY = "INKSTREAM_GATEWAY_API_KEY";
    public static final String INSECURE = "INKSTREAM_GATEWAY_INSECURE";
    public static final String MAX_FILES = "INKSTREAM_GATEWAY_MAX_FILES";
    public static final String PUBLISH_TIMEOUT_MS = "INKSTREAM_GATEWAY_PUBLISH_TIMEOUT_MS";
    public static final String CONTACT_POINTS = "INKSTREAM_CASSANDRA_CONTACT_POINTS";
    public static final String LOCAL_DC = "INKSTREAM_CASSANDRA_LOCAL_DC";
    public static final String REPLICATION = "INKSTREAM_CASSANDRA_REPLICATION";
    public static final String PINNED_MODEL = "INKSTREAM_CLASSIFIER_MODEL";
    public static final String TRUSTED_KEYS = ModelTrust.TRUSTED_KEYS_VARIABLE;
    public static final String PARTITIONS = "INKSTREAM_TOPIC_PARTITIONS";
    public static final String PRODUCER_PREFIX = "INKSTREAM_KAFKA_PRODUCER_";

    public static GatewayConfig fromEnvironment(Environment env) {
        env.rejectUnknown(Set.of(BOOTSTRAP, HOST, PORT, API_KEY, INSECURE, MAX_FILES, PUBLISH_TIMEOUT_MS, CONTACT_POINTS, LOCAL_DC, REPLICATION,
                        PINNED_MODEL, TRUSTED_KEYS, PARTITIONS, PreprocessingLimits.MAX_BYTES_VARIABLE, PreprocessingLimits.MAX_SIDE_VARIABLE),
                Set.of(PRODUCER_PREFIX), Set.of("INKSTREAM_CLASSIFIER_", "INKSTREAM_SINK_", "INKSTREAM_BATCH_", "INKSTREAM_KAFKA_STREAMS_",
                        "INKSTREAM_KAFKA_CONSUMER_", "INKSTREAM_DATA_", "INKSTREAM_LOG_", "INKSTREAM_JAVA_", "INKSTREAM_DEBUG"));
        String apiKey = env.string(API_KEY, "");
        String model = env.string(PINNED_MODEL, "");
        String host = env.string(HOST, "127.0.0.1");
        String insecure = env.string(INSECURE, "false");
        if (!insecure.equals("true") && !insecure.equals("false")) {
            throw new ConfigurationException(INSECURE + " is '" + insecure + "': expected true or false");
        }
        if (!isLoopback(host) && apiKey.isEmpty() && !insecure.equals("true")) {
            throw new ConfigurationException("the gateway would listen on " + host + " with no API key, open to anyone who reaches it: set "
                    + API_KEY + ", or " + INSECURE + "=true to run it open on purpose, or listen on 127.0.0.1");
        }
        return new GatewayConfig(
                env.string(BOOTSTRAP, "localhost:9092"),
                host,
                env.integer(PORT, 8080, 0, 65_535),
                apiKey.isEmpty() ? Optional.empty() : Optional.of(apiKey),
                env.integer(MAX_FILES, 32, 1, 1000),
                // Long enough for a leader election (a few seconds), short enough that a client is never left hanging.
                Duration.ofMillis(env.integer(PUBLISH_TIMEOUT_MS, 10_000, 1_000, 300_000)),
                PreprocessingLimits.fromEnvironment(env),
                env.addresses(CONTACT_POINTS, "127.0.0.1:9042", 9042),
                env.string(LOCAL_DC, "datacenter1"),
                env.string(REPLICATION, PredictionSchema.DEFAULT_REPLICATION),
                model.isEmpty() ? Optional.empty() : Optional.of(model),
                env.integer(PARTITIONS, 6, 1, 10_000),
                env.passThrough(PRODUCER_PREFIX),
                ModelTrust.fromEnvironment(env));
    }

    /** Whether {@code host} is a loopback interface (127.0.0.0/8, ::1, localhost): reachable from this machine only. */
    public static boolean isLoopback(String host) {
        String h = host.strip();
        return h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || h.matches("127(\\.\\d{1,3}){3}");
    }

    /** Whether anyone who reaches the gateway may use it: it listens beyond loopback without a key. */
    public boolean open() {
        return !isLoopback(host) && apiKey.isEmpty();
    }

    /** Defaults for a broker and a Cassandra node, for tests and the local run. */
    public static GatewayConfig defaults(String bootstrapServers, InetSocketAddress cassandra) {
        return fromEnvironment(new Environment(Map.of(BOOTSTRAP, bootstrapServers,
                CONTACT_POINTS, cassandra.getHostString() + ":" + cassandra.getPort())));
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(bootstrapServers, host, newPort, apiKey, maxFiles, publishTimeout, limits, contactPoints, localDatacenter,
                replication, pinnedModel, partitions, producerOverrides, modelTrust);
    }

    public GatewayConfig withApiKey(Optional<String> key) {
        return new GatewayConfig(bootstrapServers, host, port, key, maxFiles, publishTimeout, limits, contactPoints, localDatacenter,
                replication, pinnedModel, partitions, producerOverrides, modelTrust);
    }

    public GatewayConfig withBootstrapServers(String servers, Duration timeout) {
        return new GatewayConfig(servers, host, port, apiKey, maxFiles, timeout, limits, contactPoints, localDatacenter,
                replication, pinnedModel, partitions, producerOverrides, modelTrust);
    }

    public GatewayConfig withLimits(PreprocessingLimits newLimits) {
        return new GatewayConfig(bootstrapServers, host, port, apiKey, maxFiles, publishTimeout, newLimits, contactPoints, localDatacenter,
                replication, pinnedModel, partitions, producerOverrides, modelTrust);
    }
}
