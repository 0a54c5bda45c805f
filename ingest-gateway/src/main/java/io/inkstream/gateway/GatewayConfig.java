package io.inkstream.gateway;

import io.inkstream.gateway.guard.TrustedProxies;
import io.inkstream.gateway.http.ApiKeys;
import io.inkstream.gateway.http.TlsKeyStore;
import io.inkstream.gateway.publish.Labellers;
import io.inkstream.image.PreprocessingLimits;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.Environment;
import io.inkstream.ops.config.KafkaClientSettings;
import io.inkstream.ops.config.StoreFiles;
import io.inkstream.ops.config.StoreRenewal;
import io.inkstream.store.CassandraSessions;
import io.inkstream.store.PredictionSchema;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

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
 * @param kafkaClient       {@code INKSTREAM_KAFKA_CLIENT_*}: settings of every Kafka client (security), see {@link KafkaClientSettings}
 * @param producerOverrides {@code INKSTREAM_KAFKA_PRODUCER_*}: any producer setting
 * @param cassandraAccess   {@code INKSTREAM_CASSANDRA_USERNAME}, {@code _PASSWORD}, {@code _TLS_TRUSTSTORE}, {@code _TLS_KEYSTORE}: a login and TLS,
 *                          for a cluster that asks for them
 * @param modelTrust        {@code INKSTREAM_CLASSIFIER_TRUSTED_KEYS}: the classifier's trusted keys, so that the model list
 *                          accepts the same artifacts the classifier does
 * @param rateLimit         {@code INKSTREAM_GATEWAY_RATE_LIMIT}: {@code /api} requests a second per client address (bursts of as
 *                          many); 0 turns the limit off
 * @param corsOrigins       {@code INKSTREAM_GATEWAY_CORS_ORIGINS}: web pages (origins, comma-separated, or {@code *}) that may call
 *                          the API from a browser besides the gateway's own page
 * @param uploadMemory      {@code INKSTREAM_GATEWAY_UPLOAD_MEMORY_MB}: upload bytes held at once across all requests; beyond it,
 *                          503 and retry
 * @param answer            {@code INKSTREAM_GATEWAY_ANSWER}: {@code after_ack} (the default, and the only safe one) or
 *                          {@code before_ack_unsafe}, for the fault suite's negative control only
 * @param trustedProxies    {@code INKSTREAM_GATEWAY_TRUSTED_PROXIES}: proxies (addresses, CIDR blocks) whose {@code X-Forwarded-For}
 *                          names the client that every per-client share and limit counts; none by default
 * @param labellers         {@code INKSTREAM_GATEWAY_LABELLER_KEY}: the key under which a correction names its labeller (a
 *                          pseudonym of its client); the same on every instance, or a random one of this process if unset
 * @param decodingRate      {@code INKSTREAM_GATEWAY_DECODING_RATE}: megapixels a second per client that its uploads' images may
 *                          take the classifier to decode (a JPEG's once per scan; a WebP's, a CMYK JPEG's, a 16-bit PNG's 2-6 times),
 *                          {@value #DECODING_BURST_SECONDS} seconds' worth at once; 0 turns the limit off
 * @param decodingRateInAll {@code INKSTREAM_GATEWAY_DECODING_RATE_IN_ALL}: the same for all clients together, on this gateway;
 *                          beyond it 503; 0 turns the limit off
 * @param accuracyRefresh   {@code INKSTREAM_GATEWAY_ACCURACY_REFRESH_MS}: how old {@code /api/models}' live figures may be before a
 *                          request has them counted again (in the background: no request waits for them)
 * @param renewalCheck      {@code INKSTREAM_GATEWAY_RENEWAL_CHECK_MS}: how often the key store and the API keys file are read
 *                          again, so that a renewed certificate or a rotated key is taken without a restart
 * @param tls               {@code INKSTREAM_GATEWAY_TLS_KEYSTORE}, {@code INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD}: a PKCS #12 key store
 *                          with the gateway's certificate and key, to serve HTTPS only; empty for plain HTTP (loopback, or TLS
 *                          ended by a proxy in front)
 */
public record GatewayConfig(String bootstrapServers, String host, int port, Optional<ApiKeys> apiKey, int maxFiles, Duration publishTimeout,
                            PreprocessingLimits limits, List<InetSocketAddress> contactPoints, String localDatacenter, String replication,
                            Optional<String> pinnedModel, int partitions, Properties kafkaClient, Properties producerOverrides,
                            CassandraSessions.Access cassandraAccess,
                            ModelTrust modelTrust, int rateLimit, List<String> corsOrigins, long uploadMemory, Answer answer,
                            TrustedProxies trustedProxies, Labellers labellers, int decodingRate, int decodingRateInAll,
                            Duration accuracyRefresh, Duration renewalCheck, Optional<TlsKeyStore> tls) {

    /** When an upload is answered 202. */
    public enum Answer {
        /** Once the broker has acknowledged every image of it: a 202 cannot be lost. */
        AFTER_ACK,
        /**
         * As soon as its images are handed to the producer, whatever becomes of them: what the broker
         * never takes (it is down longer than the publish timeout) is dropped after the client was
         * told 202. Exists to prove the fault suite can see such a loss; never for production.
         */
        BEFORE_ACK_UNSAFE
    }

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
    public static final String RATE_LIMIT = "INKSTREAM_GATEWAY_RATE_LIMIT";
    public static final String CORS_ORIGINS = "INKSTREAM_GATEWAY_CORS_ORIGINS";
    public static final String UPLOAD_MEMORY_MB = "INKSTREAM_GATEWAY_UPLOAD_MEMORY_MB";
    public static final String PRODUCER_PREFIX = "INKSTREAM_KAFKA_PRODUCER_";
    public static final String ANSWER = "INKSTREAM_GATEWAY_ANSWER";
    public static final String TRUSTED_PROXIES = TrustedProxies.VARIABLE;
    public static final String LABELLER_KEY = Labellers.KEY_VARIABLE;
    public static final String DECODING_RATE = "INKSTREAM_GATEWAY_DECODING_RATE";
    public static final String DECODING_RATE_IN_ALL = "INKSTREAM_GATEWAY_DECODING_RATE_IN_ALL";
    public static final String ACCURACY_REFRESH_MS = "INKSTREAM_GATEWAY_ACCURACY_REFRESH_MS";
    public static final String RENEWAL_CHECK_MS = "INKSTREAM_GATEWAY_RENEWAL_CHECK_MS";
    /** A client may send this many seconds of its decoding rate at once: several phone photos, or six pages of the largest kind. */
    public static final int DECODING_BURST_SECONDS = 5;

    public static GatewayConfig fromEnvironment(Environment env) {
        Set<String> known = new HashSet<>(Set.of(BOOTSTRAP, HOST, PORT, API_KEY, ApiKeys.FILE_VARIABLE, INSECURE, MAX_FILES, PUBLISH_TIMEOUT_MS, CONTACT_POINTS,
                LOCAL_DC, REPLICATION, PINNED_MODEL, TRUSTED_KEYS, PARTITIONS, RATE_LIMIT, CORS_ORIGINS, UPLOAD_MEMORY_MB, ANSWER,
                TRUSTED_PROXIES, LABELLER_KEY, DECODING_RATE, DECODING_RATE_IN_ALL, ACCURACY_REFRESH_MS, RENEWAL_CHECK_MS,
                TlsKeyStore.PATH_VARIABLE, TlsKeyStore.PASSWORD_VARIABLE, PreprocessingLimits.MAX_BYTES_VARIABLE,
                PreprocessingLimits.MAX_SIDE_VARIABLE));
        known.addAll(CassandraSessions.VARIABLES);
        env.rejectUnknown(known,
                Set.of(PRODUCER_PREFIX, KafkaClientSettings.PREFIX), Set.of("INKSTREAM_CLASSIFIER_", "INKSTREAM_SINK_", "INKSTREAM_BATCH_", "INKSTREAM_KAFKA_STREAMS_",
                        "INKSTREAM_KAFKA_CONSUMER_", "INKSTREAM_DATA_", "INKSTREAM_LOG_", "INKSTREAM_JAVA_", "INKSTREAM_DEBUG"));
        Optional<ApiKeys> apiKey = apiKeys(env);
        String model = env.string(PINNED_MODEL, "");
        String host = env.string(HOST, "127.0.0.1");
        String insecure = env.string(INSECURE, "false");
        if (!insecure.equals("true") && !insecure.equals("false")) {
            throw new ConfigurationException(INSECURE + " is '" + insecure + "': expected true or false");
        }
        if (!isLoopback(host) && apiKey.isEmpty() && !insecure.equals("true")) {
            throw new ConfigurationException("the gateway would listen on " + host + " with no API key, open to anyone who reaches it: set "
                    + API_KEY + " (or " + ApiKeys.FILE_VARIABLE + "), or " + INSECURE + "=true to run it open on purpose, or listen on 127.0.0.1");
        }
        int maxFiles = env.integer(MAX_FILES, 32, 1, 1000);
        PreprocessingLimits limits = PreprocessingLimits.read(env::integer);
        // 64 MiB by default: two requests of the largest kind at once, or thousands of usual ones (a few KiB each).
        long uploadMemory = env.integer(UPLOAD_MEMORY_MB, 64, 1, 65_536) * 1024L * 1024L;
        if (uploadMemory < maxRequestBytes(maxFiles, limits)) {
            throw new ConfigurationException(UPLOAD_MEMORY_MB + " is " + uploadMemory / (1024 * 1024) + " MiB: it must hold one upload of "
                    + maxFiles + " images of " + limits.maxBytes() + " bytes (" + maxRequestBytes(maxFiles, limits) / (1024 * 1024) + " MiB)");
        }
        Optional<TlsKeyStore> tls = StoreFiles.named(env, "key store", TlsKeyStore.PATH_VARIABLE, TlsKeyStore.PASSWORD_VARIABLE)
                .map(store -> TlsKeyStore.read(store.path(), store.password()));
        return new GatewayConfig(
                env.string(BOOTSTRAP, "localhost:9092"),
                host,
                env.integer(PORT, 8080, 0, 65_535),
                apiKey,
                maxFiles,
                // Long enough for a leader election (a few seconds), short enough that a client is never left hanging.
                Duration.ofMillis(env.integer(PUBLISH_TIMEOUT_MS, 10_000, 1_000, 300_000)),
                limits,
                env.addresses(CONTACT_POINTS, "127.0.0.1:9042", 9042),
                env.string(LOCAL_DC, "datacenter1"),
                env.string(REPLICATION, PredictionSchema.DEFAULT_REPLICATION),
                model.isEmpty() ? Optional.empty() : Optional.of(model),
                env.integer(PARTITIONS, 6, 1, 10_000),
                KafkaClientSettings.fromEnvironment(env),
                env.passThrough(PRODUCER_PREFIX),
                CassandraSessions.access(env),
                env.parsed(ModelTrust.TRUSTED_KEYS_VARIABLE, "", ModelTrust::fromVariable),
                // One client at the pipeline's whole capacity on this kind of machine (500 uploads/s) stays under it.
                env.integer(RATE_LIMIT, 1000, 0, 1_000_000),
                Arrays.stream(env.string(CORS_ORIGINS, "").split(",")).map(String::strip).filter(o -> !o.isEmpty()).toList(),
                uploadMemory,
                env.choice(ANSWER, Answer.AFTER_ACK),
                env.parsed(TRUSTED_PROXIES, "", TrustedProxies::parse),
                env.parsed(LABELLER_KEY, "", key -> Labellers.keyed(key.isEmpty() ? Optional.empty() : Optional.of(key))),
                // 20 megapixels a second: one client at the pipeline's whole capacity of the page's drawings (200/s of 280 x 280
                // on two cores, 16 MP/s) stays under it, as under the request rate; pages of 4096 x 4096 then go at 1.2 a second.
                env.integer(DECODING_RATE, 20, 0, 1_000_000),
                // 40 megapixels a second for everyone: two clients at their whole rate, twice what two cores decode of the
                // page's drawings; a crowd of a thousand addresses, each under its own rate, then makes the classifier's
                // backlog grow no faster than that, where it grew 20 MP/s for each of them.
                env.integer(DECODING_RATE_IN_ALL, 40, 0, 1_000_000),
                // Counting reads a small partition per model and a row per image people labelled, so not on every request; 10 s
                // keeps the page's figures fresh enough for a person watching them.
                Duration.ofMillis(env.integer(ACCURACY_REFRESH_MS, 10_000, 100, 3_600_000)),
                Duration.ofMillis(env.integer(RENEWAL_CHECK_MS, (int) StoreRenewal.DEFAULT_EVERY.toMillis(), 100, 3_600_000)),
                tls);
    }

    /** {@value #API_KEY}'s one key, or the keys of the file {@value ApiKeys#FILE_VARIABLE} names (renewed while it runs); not both. */
    private static Optional<ApiKeys> apiKeys(Environment env) {
        String key = env.string(API_KEY, "");
        String file = env.string(ApiKeys.FILE_VARIABLE, "");
        if (!key.isEmpty() && !file.isEmpty()) {
            throw new ConfigurationException(API_KEY + " and " + ApiKeys.FILE_VARIABLE + " are both set: name one key, or a file of keys");
        }
        return !file.isEmpty() ? Optional.of(ApiKeys.read(Path.of(file))) : key.isEmpty() ? Optional.empty() : Optional.of(ApiKeys.of(key));
    }

    /** The most one upload request may carry: every image at the cap, and room for the multipart headers around each. */
    public static long maxRequestBytes(int maxFiles, PreprocessingLimits limits) {
        return maxFiles * (limits.maxBytes() + 64L * 1024);
    }

    /** The properties every Kafka client of the gateway starts from. */
    public Properties kafkaClientBase() {
        return KafkaClientSettings.base(bootstrapServers, kafkaClient);
    }

    public long maxRequestBytes() {
        return maxRequestBytes(maxFiles, limits);
    }

    /** 127.0.0.0/8 as written. Compiled once: every request's {@code Host} is asked about ({@code OriginPolicy}). */
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");

    /** Whether {@code host} is a loopback interface (127.0.0.0/8, ::1, localhost): reachable from this machine only. */
    public static boolean isLoopback(String host) {
        String h = host.strip();
        return h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || LOOPBACK_V4.matcher(h).matches();
    }

    /**
     * The address of the page of a gateway listening on {@code host} and {@code port}, for a person to open: {@code https://}
     * when it serves TLS, an IPv6 host in brackets ({@code http://[::1]:8080/}; without them the port reads as part of the
     * address), every interface as {@code localhost}.
     */
    public static String pageUrl(boolean tls, String host, int port) {
        String h = host.strip();
        String shown = h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") ? "localhost"
                : h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
        return (tls ? "https://" : "http://") + shown + ":" + port + "/";
    }

    /** Whether anyone who reaches the gateway may use it: it listens beyond loopback without a key. */
    public boolean open() {
        return !isLoopback(host) && apiKey.isEmpty();
    }

    /** Whether its API key would cross a network in clear: it is asked for beyond loopback, over plain HTTP. */
    public boolean keyInClear() {
        return !isLoopback(host) && apiKey.isPresent() && tls.isEmpty();
    }

    /** Defaults for a broker and a Cassandra node, for tests and the local run. */
    public static GatewayConfig defaults(String bootstrapServers, InetSocketAddress cassandra) {
        return fromEnvironment(new Environment(Map.of(BOOTSTRAP, bootstrapServers,
                CONTACT_POINTS, cassandra.getHostString() + ":" + cassandra.getPort())));
    }

    public GatewayConfig withPort(int newPort) {
        return with(copy -> copy.port = newPort);
    }

    public GatewayConfig withApiKey(Optional<String> key) {
        return withApiKeys(key.map(ApiKeys::of));
    }

    public GatewayConfig withApiKeys(Optional<ApiKeys> keys) {
        return with(copy -> copy.apiKey = keys);
    }

    public GatewayConfig withBootstrapServers(String servers, Duration timeout) {
        return with(copy -> {
            copy.bootstrapServers = servers;
            copy.publishTimeout = timeout;
        });
    }

    public GatewayConfig withRateLimit(int perSecond) {
        return with(copy -> copy.rateLimit = perSecond);
    }

    public GatewayConfig withCorsOrigins(List<String> origins) {
        return with(copy -> copy.corsOrigins = List.copyOf(origins));
    }

    public GatewayConfig withTrustedProxies(TrustedProxies proxies) {
        return with(copy -> copy.trustedProxies = proxies);
    }

    public GatewayConfig withDecodingRate(int megapixelsPerSecond) {
        return with(copy -> copy.decodingRate = megapixelsPerSecond);
    }

    public GatewayConfig withDecodingRateInAll(int megapixelsPerSecond) {
        return with(copy -> copy.decodingRateInAll = megapixelsPerSecond);
    }

    public GatewayConfig withUploadMemory(long bytes) {
        return with(copy -> copy.uploadMemory = bytes);
    }

    public GatewayConfig withAccuracyRefresh(Duration refresh) {
        return with(copy -> copy.accuracyRefresh = refresh);
    }

    public GatewayConfig withRenewalCheck(Duration every) {
        return with(copy -> copy.renewalCheck = every);
    }

    public GatewayConfig withTls(Optional<TlsKeyStore> keyStore) {
        return with(copy -> copy.tls = keyStore);
    }

    /** This config with the settings {@code change} sets: the one place a copy names all 27 in their order. */
    private GatewayConfig with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return new GatewayConfig(copy.bootstrapServers, copy.host, copy.port, copy.apiKey, copy.maxFiles, copy.publishTimeout, copy.limits,
                copy.contactPoints, copy.localDatacenter, copy.replication, copy.pinnedModel, copy.partitions, copy.kafkaClient,
                copy.producerOverrides, copy.cassandraAccess, copy.modelTrust, copy.rateLimit, copy.corsOrigins, copy.uploadMemory,
                copy.answer, copy.trustedProxies, copy.labellers, copy.decodingRate, copy.decodingRateInAll, copy.accuracyRefresh,
                copy.renewalCheck, copy.tls);
    }

    /** A config's settings by name, for {@link #with} to change some of. */
    private static final class Copy {
        String bootstrapServers, host, localDatacenter, replication;
        int port, maxFiles, partitions, rateLimit, decodingRate, decodingRateInAll;
        long uploadMemory;
        Optional<ApiKeys> apiKey;
        Optional<String> pinnedModel;
        Duration publishTimeout, accuracyRefresh, renewalCheck;
        PreprocessingLimits limits;
        List<InetSocketAddress> contactPoints;
        Properties kafkaClient, producerOverrides;
        CassandraSessions.Access cassandraAccess;
        ModelTrust modelTrust;
        List<String> corsOrigins;
        Answer answer;
        TrustedProxies trustedProxies;
        Labellers labellers;
        Optional<TlsKeyStore> tls;

        Copy(GatewayConfig config) {
            bootstrapServers = config.bootstrapServers;
            host = config.host;
            port = config.port;
            apiKey = config.apiKey;
            maxFiles = config.maxFiles;
            publishTimeout = config.publishTimeout;
            limits = config.limits;
            contactPoints = config.contactPoints;
            localDatacenter = config.localDatacenter;
            replication = config.replication;
            pinnedModel = config.pinnedModel;
            partitions = config.partitions;
            kafkaClient = config.kafkaClient;
            producerOverrides = config.producerOverrides;
            cassandraAccess = config.cassandraAccess;
            modelTrust = config.modelTrust;
            rateLimit = config.rateLimit;
            corsOrigins = config.corsOrigins;
            uploadMemory = config.uploadMemory;
            answer = config.answer;
            trustedProxies = config.trustedProxies;
            labellers = config.labellers;
            decodingRate = config.decodingRate;
            decodingRateInAll = config.decodingRateInAll;
            accuracyRefresh = config.accuracyRefresh;
            renewalCheck = config.renewalCheck;
            tls = config.tls;
        }
    }
}
