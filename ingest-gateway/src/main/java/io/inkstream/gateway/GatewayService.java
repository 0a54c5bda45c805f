package io.inkstream.gateway;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.gateway.events.PredictionEvents;
import io.inkstream.gateway.guard.ClientRateLimit;
import io.inkstream.gateway.guard.ClientSlots;
import io.inkstream.gateway.guard.DecodingLimits;
import io.inkstream.gateway.guard.OriginPolicy;
import io.inkstream.gateway.guard.UploadBudget;
import io.inkstream.gateway.http.GatewayApp;
import io.inkstream.gateway.http.TlsKeyStore;
import io.inkstream.gateway.publish.ImagePublisher;
import io.inkstream.gateway.publish.PublishedImages;
import io.inkstream.gateway.publish.TakenOverPublisher;
import io.inkstream.gateway.query.ModelCatalog;
import io.inkstream.gateway.query.RecentUploads;
import io.inkstream.gateway.upload.SharedKeys;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.ops.DaemonThreads;
import io.inkstream.ops.OpsServer;
import io.inkstream.ops.config.KafkaClientCertificates;
import io.inkstream.ops.kafka.BrokerQuorum;
import io.inkstream.store.CassandraSessions;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.PredictionSchema;
import io.inkstream.store.RingQuorum;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway: the web page and REST API, publishing uploads to Kafka and answering from Cassandra. */
public final class GatewayService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayService.class);

    private final Javalin app;
    private final ImagePublisher publisher;
    private final TakenOverPublisher takenOver;
    private final PublishedImages published;
    private final ModelCatalog catalog;
    private final PredictionEvents events;
    private final CqlSession session;
    private final Admin admin;
    private final Path spool;
    private final KafkaClientMetrics kafkaMeters;

    private GatewayService(Javalin app, ImagePublisher publisher, TakenOverPublisher takenOver, PublishedImages published,
                           ModelCatalog catalog, PredictionEvents events, CqlSession session, Admin admin, Path spool, KafkaClientMetrics kafkaMeters) {
        this.app = app;
        this.publisher = publisher;
        this.takenOver = takenOver;
        this.published = published;
        this.catalog = catalog;
        this.events = events;
        this.session = session;
        this.admin = admin;
        this.spool = spool;
        this.kafkaMeters = kafkaMeters;
    }

    /** Where large multipart parts wait while a request is read: this process's own directory, readable by its user only. */
    private static Path createSpool() {
        try {
            return Files.createTempDirectory("inkstream-gateway-spool-"); // owner-only permissions on POSIX systems
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway cannot make a spool directory for large uploads", e);
        }
    }

    /** The spool directory: tests look into it to see that nothing is left behind. */
    public Path spool() {
        return spool;
    }

    public static GatewayService start(GatewayConfig config) {
        Admin admin = Admin.create(config.kafkaClientBase());
        PipelineTopics.ensure(admin, config.partitions(), Optional.empty());
        CqlSession session = CassandraSessions.open(config.contactPoints(), config.localDatacenter(), config.cassandraAccess(), "gateway-cql");
        // Idempotent: whichever of the gateway and the sink starts first creates the tables the other reads.
        PredictionSchema.apply(session, config.replication());
        PredictionReader reader = new PredictionReader(session);

        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        CassandraSessions.exportClientCertificateExpiry(session, meters);
        KafkaClientCertificates.export(config.kafkaClientBase(), meters);
        ImagePublisher publisher = ImagePublisher.create(config.kafkaClientBase(), config.publishTimeout(), config.producerOverrides(),
                config.answer());
        // Kafka's meters are looked for again every 10 s, not every minute: a partition's meters appear soon after it does.
        KafkaClientMetrics kafkaMeters = new KafkaClientMetrics(publisher.producer(), Tags.empty(),
                DaemonThreads.scheduler("gateway-kafka-meters"), OpsServer.KAFKA_METER_REFRESH);
        kafkaMeters.bindTo(meters);
        // A claim unsettled for twice the publish timeout has lost its owner.
        Duration staleAfter = config.publishTimeout().multipliedBy(2);
        // Read only when a request takes over the Idempotency-Key of one that died publishing: a minute of uploads at 1,000/s.
        PublishedImages published = PublishedImages.create(config.kafkaClientBase(), 60_000);
        TakenOverPublisher takenOver = new TakenOverPublisher(config.kafkaClientBase(), config.publishTimeout(), staleAfter,
                config.producerOverrides(), publisher, published, meters);
        ModelCatalog catalog = ModelCatalog.start(config.kafkaClientBase(), reader, config.pinnedModel(), config.modelTrust(),
                config.accuracyRefresh());
        PredictionEvents events = PredictionEvents.start(config.kafkaClientBase());

        GatewayHealth health = new GatewayHealth(new BrokerQuorum(admin, "uploads are refused with 503 until it is back"),
                new RingQuorum(session, config.localDatacenter(), "uploads are accepted, answers and Idempotency-Key claims wait"), catalog, events);
        Path spool = createSpool();
        GatewayMetrics metrics = new GatewayMetrics(meters);
        // A client may hold half the budget, or one upload of the largest kind if that is more (the config holds at least one).
        UploadBudget uploads = new UploadBudget(config.uploadMemory(), Math.max(config.uploadMemory() / 2, config.maxRequestBytes()));
        metrics.watch(uploads);
        ClientSlots bodies = new ClientSlots(GatewayApp.BODIES_PER_CLIENT, GatewayApp.BODIES_IN_ALL);
        metrics.watch(bodies);
        GatewayApp.Edge edge = new GatewayApp.Edge(new OriginPolicy(config.corsOrigins(), GatewayConfig.isLoopback(config.host())),
                config.rateLimit() == 0 ? Optional.empty() : Optional.of(ClientRateLimit.perSecond(config.rateLimit())), config.apiKey(),
                uploads, spool, bodies, config.trustedProxies(),
                DecodingLimits.of(config.decodingRate(), config.decodingRateInAll(), GatewayConfig.DECODING_BURST_SECONDS));
        Javalin app = GatewayApp.create(new GatewayApp.Parts(new DigitPreprocessor(config.limits()), publisher, takenOver, reader, catalog, events,
                new RecentUploads(100_000), metrics, health::check, meters::scrape, edge, config.maxFiles(),
                config.maxRequestBytes(), new SharedKeys(session, staleAfter, Clock.systemUTC()), config.labellers(),
                new GatewayApp.Listener(config.host(), config.port(), config.tls(), config.renewalCheck())));
        GatewayService service = new GatewayService(app, publisher, takenOver, published, catalog, events, session, admin, spool, kafkaMeters);
        try {
            app.start();
        } catch (RuntimeException e) {
            service.close();
            throw new IllegalStateException("the gateway cannot listen on " + config.host() + ":" + config.port() + ": "
                    + rootMessage(e) + " (set INKSTREAM_GATEWAY_PORT to another port)", e);
        }
        log.info("gateway started url={} tls={} certificate_expires={} bootstrap={} cassandra={} api_key={} max_image_bytes={}"
                        + " rate_limit={} cors_origins={} upload_memory_mb={} trusted_proxies={} labeller_key={} decoding_rate={} decoding_rate_in_all={}",
                GatewayConfig.pageUrl(config.tls().isPresent(), config.host(), app.port()),
                config.tls().map(store -> store.path().toString()).orElse("off"),
                config.tls().map(TlsKeyStore::expires).map(Object::toString).orElse("-"),
                config.bootstrapServers(), config.contactPoints(), config.apiKey().map(keys -> "\"" + keys + "\"").orElse("off"), config.limits().maxBytes(),
                config.rateLimit() == 0 ? "off" : config.rateLimit() + "/s", config.corsOrigins().isEmpty() ? "same-origin" : config.corsOrigins(),
                config.uploadMemory() / (1024 * 1024), config.trustedProxies(), config.labellers(),
                config.decodingRate() == 0 ? "off" : config.decodingRate() + "MP/s",
                config.decodingRateInAll() == 0 ? "off" : config.decodingRateInAll() + "MP/s");
        if (config.answer() == GatewayConfig.Answer.BEFORE_ACK_UNSAFE) {
            log.warn("answer=BEFORE_ACK_UNSAFE: uploads are answered 202 before the broker has them, and lost if it never does;"
                    + " for the fault suite's negative control only");
        }
        if (config.keyInClear()) {
            log.warn("gateway on {} over plain HTTP: its API key and every upload cross the network in clear; set {} (HTTPS), or"
                    + " end TLS in a proxy in front of it", config.host(), TlsKeyStore.PATH_VARIABLE);
        }
        if (config.open()) {
            log.warn("gateway open: listening on {} with no API key ({}=true): anyone who reaches this port can upload and read",
                    config.host(), GatewayConfig.INSECURE);
        }
        return service;
    }

    public int port() {
        return app.port();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /** Stops taking requests, then flushes what the producer holds (a waiting upload still gets its answer), then closes the rest. */
    @Override
    public void close() {
        log.info("gateway stopping");
        app.stop();
        kafkaMeters.close();
        takenOver.close(); // first: its last searches hand what is missing to the publisher
        published.close();
        publisher.close();
        catalog.close();
        events.close();
        session.close();
        admin.close(Duration.ofSeconds(5));
        try (var left = Files.walk(spool)) {
            left.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("spool not removed path={} reason=\"{}\"", spool, e.getMessage());
        }
        log.info("gateway stopped");
    }
}
