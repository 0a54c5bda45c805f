package io.inkstream.gateway.http;

import com.datastax.oss.driver.api.core.DriverException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.gateway.events.PredictionEvents;
import io.inkstream.gateway.guard.ClientRateLimit;
import io.inkstream.gateway.guard.ClientSlots;
import io.inkstream.gateway.guard.DecodingLimits;
import io.inkstream.gateway.guard.OriginPolicy;
import io.inkstream.gateway.guard.TrustedProxies;
import io.inkstream.gateway.guard.UploadBudget;
import io.inkstream.gateway.publish.CorrectionPublisher;
import io.inkstream.gateway.publish.ImagePublisher;
import io.inkstream.gateway.publish.Labellers;
import io.inkstream.gateway.publish.TakenOverPublisher;
import io.inkstream.gateway.query.ImageQueries;
import io.inkstream.gateway.query.ModelCatalog;
import io.inkstream.gateway.query.RecentUploads;
import io.inkstream.gateway.upload.IdempotencyKeys;
import io.inkstream.gateway.upload.SharedKeys;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.ops.OpsServer;
import io.inkstream.store.PredictionReader;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.util.MultipartUtil;
import io.javalin.json.JavalinJackson;
import io.javalin.plugin.bundled.GlobalHeadersConfig;
import io.javalin.plugin.bundled.GlobalHeadersPlugin;
import jakarta.servlet.MultipartConfigElement;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's HTTP side: the web page, the REST API of {@link ApiRoute}, health and metrics, one error format. */
public final class GatewayApp {
    static final String API_KEY_HEADER = "X-Api-Key";
    private static final String STARTED_AT = "inkstream.started";
    private static final String PROBLEM_WRITTEN = "inkstream.problem";
    private static final String CLIENT = "inkstream.client";
    private static final Logger log = LoggerFactory.getLogger(GatewayApp.class);

    /** What the app needs from the service around it. */
    public record Parts(DigitPreprocessor inspector, ImagePublisher publisher, TakenOverPublisher takenOver, PredictionReader reader,
                        ModelCatalog catalog, PredictionEvents events,
                        RecentUploads recent, GatewayMetrics metrics, Supplier<OpsServer.Health> health, Supplier<String> prometheus,
                        Edge edge, int maxFiles, long maxRequestBytes, SharedKeys sharedKeys, Labellers labellers, Listener listener) {
    }

    /**
     * Where the gateway listens, and with which certificate: HTTPS only with one, plain HTTP without.
     *
     * @param renewalCheck how often the certificate's key store and the API keys file are read again
     */
    public record Listener(String host, int port, Optional<TlsKeyStore> tls, Duration renewalCheck) {
        ServerConnector connector(Server server, HttpConfiguration http, GatewayMetrics metrics) {
            ServerConnector connector = tls.isPresent() ? tls.get().connector(server, http, metrics, renewalCheck)
                    : new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        }
    }

    /**
     * What guards the gateway's edge, in the order a request meets it: where it comes from, how often
     * its client calls, its key, the room its upload takes, and the pixels its images hold.
     *
     * @param rateLimit per client address, on {@code /api}; empty when turned off
     * @param spool     a directory of this process's own, where multipart parts beyond {@link #PART_IN_MEMORY} are held
     * @param proxies   whose word on the client's address is taken ({@link #client})
     * @param decoding  the pixels uploads' images will take the classifier to decode, per client and for all together
     */
    public record Edge(OriginPolicy origins, Optional<ClientRateLimit> rateLimit, Optional<ApiKeys> apiKey, UploadBudget uploads, Path spool,
                       ClientSlots bodies, TrustedProxies proxies, DecodingLimits decoding) {
    }

    /** Request bodies one client address may be sending at once (uploads, labels); beyond, 429 {@code bodies-in-progress}. */
    public static final int BODIES_PER_CLIENT = 16;

    /**
     * Jetty's threads: Javalin's default pool (250, named {@code JettyServerThreadPool}, which {@code bench}'s CPU per stage
     * finds by that name), made explicit because {@link #BODIES_IN_ALL} is counted from it.
     */
    static final int SERVER_THREADS = 250;

    /**
     * Request bodies all clients together may be sending at once; beyond, 503 {@code bodies-busy}. The other 64 threads
     * stay for reads, {@code /health} and Jetty's own (its acceptor and selectors): with 16 per client alone, 16 addresses
     * sending bodies a byte at a time would take them all.
     */
    public static final int BODIES_IN_ALL = SERVER_THREADS - 64;

    /**
     * The slowest a body may arrive, on average from its first byte: slower, Jetty gives up on it (408). A body sent a
     * byte every few seconds held a thread as long as it pleased; 256 B/s still takes a 1 MiB upload over 68 minutes.
     */
    static final int MIN_BODY_BYTES_PER_SECOND = 256;

    /** A multipart part up to this size stays in memory; a larger one is written to the spool while it arrives. */
    static final int PART_IN_MEMORY = 64 * 1024;

    private GatewayApp() {
    }

    /**
     * The page's Content-Security-Policy: its own script, style and connections, and images from itself, from the files a
     * visitor picks ({@code blob:}) and the icon ({@code data:}); nothing inline, no plugin, no {@code <base>}, and no other
     * site may frame it.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    /** The headers of {@link #securityHeaders(GlobalHeadersConfig)} as names and values, for {@link JsonBadMessages}. */
    private static Map<String, String> securityHeaders() {
        GlobalHeadersConfig headers = new GlobalHeadersConfig();
        securityHeaders(headers);
        return Map.copyOf(headers.getHeaders());
    }

    /** How long a browser that met the gateway over HTTPS keeps to HTTPS for its host: a year, the usual. */
    static final String STRICT_TRANSPORT = "max-age=" + Duration.ofDays(365).toSeconds();

    /**
     * On every answer, the page's and the API's, and what Jetty refuses itself ({@link JsonBadMessages}). Another site could
     * frame the page and have a visitor click "right" or "wrong" (labels that train the next model) or upload; a browser
     * must not guess a type other than the one sent (an uploaded file is never served back, but the API's JSON and the
     * model inputs' PNGs are); and no address with image ids in it leaves as a referrer.
     */
    private static void securityHeaders(GlobalHeadersConfig headers) {
        headers.contentSecurityPolicy(CONTENT_SECURITY_POLICY);
        headers.xFrameOptions(GlobalHeadersConfig.XFrameOptions.DENY); // for browsers that predate frame-ancestors
        headers.xContentTypeOptionsNoSniff();
        headers.referrerPolicy(GlobalHeadersConfig.ReferrerPolicy.NO_REFERRER);
    }

    /**
     * Whether an answer over TLS tells the browser to ask this host for HTTPS only ({@code Strict-Transport-Security}, a year,
     * not subdomains, which may be other services'): the port speaks nothing else, and a visitor who then types the address
     * without {@code https://} never sends the API key in clear. Not for {@code localhost} names: a browser holds the rule
     * per host, not per port, so every other local server would be asked for HTTPS too.
     */
    static boolean strictTransportFor(String hostHeader) {
        String name = OriginPolicy.hostName(hostHeader == null ? "" : hostHeader);
        return !name.equals("localhost") && !name.endsWith(".localhost");
    }

    public static Javalin create(Parts parts) {
        long maxImage = parts.inspector().limits().maxBytes();
        boolean tls = parts.listener().tls().isPresent();
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            QueuedThreadPool threads = new QueuedThreadPool(SERVER_THREADS, 8, 60_000);
            threads.setName("JettyServerThreadPool");
            config.jetty.threadPool = threads;
            config.jsonMapper(new JavalinJackson(mapper(), false));
            // Answers are a few hundred bytes of JSON and the page is 52 KB, served on the same machine or a LAN:
            // compression gains nothing there, and deciding per response cost a tenth of the gateway's CPU (JFR, 500 uploads/s).
            config.http.disableCompression();
            // Dispatch a request when its head is in, not when its first body byte is (Jetty's default): an upload declaring
            // more than may be sent is refused on its headers at once, instead of after the 30 s idle timeout.
            config.jetty.modifyHttpConfiguration(http -> {
                http.setDelayDispatchUntilContent(false);
                http.setMinRequestDataRate(MIN_BODY_BYTES_PER_SECOND);
            });
            config.registerPlugin(new GlobalHeadersPlugin(GatewayApp::securityHeaders));
            // A request Jetty cannot read (a URI or headers over its limits) is answered in JSON too, not with its HTML page.
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonBadMessages(mapper(), securityHeaders(), parts.metrics())));
            // Keys from a file are looked at again while the server runs.
            config.jetty.modifyServer(server -> parts.edge().apiKey().ifPresent(keys -> {
                parts.metrics().apiKeys(keys::size);
                keys.renewals(parts.metrics(), parts.listener().renewalCheck()).ifPresent(server::addBean);
            }));
            // The one listener, made here rather than by Javalin, so that it may be HTTPS.
            config.jetty.addConnector((server, http) -> parts.listener().connector(server, http, parts.metrics()));
            // Raw uploads are read with the image cap by the handler; this only bounds what Javalin would buffer.
            config.http.maxRequestSize = maxImage + 1;
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/io/inkstream/gateway/web";
                files.location = Location.CLASSPATH;
                files.mimeTypes.add("application/yaml", "yaml");
            });
        });

        Edge edge = parts.edge();
        // Multipart: a usual image (a few KiB) stays in memory; a larger part goes to the spool as it arrives, under a name Jetty
        // makes up (never the client's), and is deleted when the request ends. A part far over the cap is cut off by Jetty, one
        // just over it is measured and refused by the handler. Set on each request, not with Javalin's multipart settings: those
        // go into one static field, where the last gateway made in a JVM would set them for all (tests make several).
        MultipartConfigElement multipart = new MultipartConfigElement(edge.spool().toString(), 4 * maxImage, parts.maxRequestBytes(),
                PART_IN_MEMORY);
        app.before(ApiRoute.UPLOAD.path(), ctx -> ctx.req().setAttribute(MultipartUtil.MULTIPART_CONFIG_ATTRIBUTE, multipart));
        ReceivingBodies bodies = new ReceivingBodies(edge.bodies(), parts.metrics());
        UploadHandler upload = new UploadHandler(parts.inspector(), parts.publisher(), parts.takenOver(),
                new IdempotencyKeys(100_000, Clock.systemUTC()),
                parts.sharedKeys(), parts.recent(), parts.metrics(), parts.maxFiles(), parts.maxRequestBytes(), edge.uploads(), bodies,
                edge.decoding());
        ImageQueries imageQueries = new ImageQueries(parts.reader(), parts.recent());
        QueryHandlers queries = new QueryHandlers(imageQueries, parts.reader(), parts.catalog());
        EventStreams streams = new EventStreams(parts.events(), new JavalinJackson(mapper(), false));
        app.events(events -> events.serverStopping(streams::close)); // open streams end, so that stopping does not wait for them
        LabelHandler label = new LabelHandler(imageQueries, new CorrectionPublisher(parts.publisher().producer()), parts.labellers(),
                parts.metrics(), Clock.systemUTC(), bodies);
        UploadLimits limits = UploadLimits.of(parts.inspector().limits(), parts.maxFiles());
        for (ApiRoute route : ApiRoute.values()) {
            Handler handler = switch (route) {
                case UPLOAD -> upload;
                case IMAGES -> queries::images;
                case IMAGE -> queries::image;
                case LABEL -> label;
                case MODEL_INPUT -> new ModelInputHandler(parts.reader());
                case EVENTS -> streams;
                case PREDICTIONS -> queries::predictions;
                case MODELS -> queries::models;
                case LIMITS -> ctx -> ctx.json(limits); // what an upload may be, so that the page scales a photo down to it
                case HEALTH -> ctx -> {
                    // Probes need the status only; what is up and which model is active is for those who hold the key.
                    OpsServer.Health health = parts.health().get();
                    boolean details = edge.apiKey().map(key -> hasKey(ctx, key)).orElse(true);
                    ctx.status(health.healthy() ? 200 : 503).contentType("application/json").result(details ? health.body() : health.summary());
                };
                case METRICS -> ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(parts.prometheus().get());
            };
            app.addHttpHandler(route.method(), route.path(), handler);
        }

        app.options("/api/*", ctx -> preflight(ctx, edge.origins()));
        app.before(ctx -> {
            if (tls && strictTransportFor(ctx.header("Host"))) {
                ctx.header("Strict-Transport-Security", STRICT_TRANSPORT);
            }
            ctx.attribute(STARTED_AT, System.nanoTime());
            ctx.attribute(CLIENT, edge.proxies().client(ctx.req().getRemoteAddr(),
                    Collections.list(ctx.req().getHeaders("X-Forwarded-For"))));
            Optional<String> origin = Optional.ofNullable(ctx.header("Origin"));
            edge.origins().refusal(origin, Optional.ofNullable(ctx.header("Host"))).ifPresent(reason -> {
                parts.metrics().refused("origin-not-allowed");
                throw new ApiProblem(403, "origin-not-allowed", reason);
            });
            if (origin.isPresent() && edge.origins().allowsCrossOrigin(origin.get())) {
                ctx.header("Access-Control-Allow-Origin", origin.get());
                ctx.header("Vary", "Origin");
                ctx.header("Access-Control-Expose-Headers", "Location, Retry-After, Idempotent-Replayed");
            }
        });
        edge.rateLimit().ifPresent(limit -> app.before("/api/*", ctx -> {
            // Per address, before the key is checked: guessing keys is limited too.
            String client = client(ctx);
            OptionalInt wait = limit.take(client);
            if (wait.isPresent()) {
                parts.metrics().refused("rate-limited");
                throw new ApiProblem(429, "rate-limited", "too many requests from " + client + "; retry in " + wait.getAsInt() + " s",
                        Optional.of(wait.getAsInt()));
            }
        }));
        edge.apiKey().ifPresent(key -> {
            app.before("/api/*", ctx -> requireKey(ctx, key));
            app.before("/metrics", ctx -> requireKey(ctx, key));
        });
        app.before("/api/*", ctx -> PercentEncoding.problem(ctx.req().getRequestURI()).or(() -> PercentEncoding.problem(ctx.queryString()))
                .ifPresent(why -> {
                    parts.metrics().refused("invalid-url");
                    throw new ApiProblem(400, "invalid-url", "the URL is not percent-encoded UTF-8: " + why);
                }));
        app.after(ctx -> {
            Long started = ctx.attribute(STARTED_AT);
            if (started != null && ctx.path().startsWith("/api")) {
                parts.metrics().request(ctx.method().name(), route(ctx), ctx.statusCode(), System.nanoTime() - started);
            }
        });

        app.exception(ApiProblem.class, GatewayApp::problem);
        app.exception(CompletionException.class, (e, ctx) -> {
            if (e.getCause() instanceof ApiProblem problem) {
                problem(problem, ctx);
            } else {
                unexpected(e.getCause() == null ? e : e.getCause(), ctx);
            }
        });
        app.exception(DriverException.class, (e, ctx) -> {
            log.warn("cassandra query failed path={} reason=\"{}\"", ctx.path(), e.getMessage());
            problem(new ApiProblem(503, "store-unavailable", "Cassandra did not answer: " + e.getMessage(), Optional.of(5)), ctx);
        });
        // A body slower than MIN_BODY_BYTES_PER_SECOND: Jetty's 408 as the API's JSON, not an unexpected error.
        app.exception(BadMessageException.class, (e, ctx) -> problem(ApiProblem.tooSlow(e).orElseGet(() -> new ApiProblem(e.getCode(),
                "bad-request", "the request cannot be read: " + e.getReason())), ctx));
        app.exception(Exception.class, (e, ctx) -> unexpected(e, ctx));
        app.error(404, ctx -> {
            // Only where no handler answered with its own error (an unknown image is a 404 with its own code).
            if (ctx.path().startsWith("/api") && ctx.attribute(PROBLEM_WRITTEN) == null) {
                problem(new ApiProblem(404, "not-found", "no such endpoint: " + ctx.method() + " " + ctx.path() + "; see /openapi.yaml"), ctx);
            }
        });
        app.error(405, ctx -> problem(new ApiProblem(405, "method-not-allowed", ctx.method() + " is not allowed on " + ctx.path()), ctx));
        return app;
    }

    /** An ObjectMapper for the API: instants as ISO-8601 text, absent values left out. */
    static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    private static void requireKey(Context ctx, ApiKeys keys) {
        // A browser's preflight never carries the key; it only asks whether the real request may be sent.
        if (ctx.method() != HandlerType.OPTIONS && !hasKey(ctx, keys)) {
            throw new ApiProblem(401, "unauthorized", "this gateway needs its API key in the " + API_KEY_HEADER
                    + " header (or Authorization: Bearer <key>)");
        }
    }

    private static boolean hasKey(Context ctx, ApiKeys keys) {
        String given = ctx.header(API_KEY_HEADER);
        String authorization = ctx.header("Authorization");
        if (given == null && authorization != null && authorization.startsWith("Bearer ")) {
            given = authorization.substring("Bearer ".length()).strip();
        }
        return keys.accepts(given);
    }

    /** A browser asking whether a page of an allowed origin may send a request: which methods and headers it may use. */
    private static void preflight(Context ctx, OriginPolicy origins) {
        String origin = ctx.header("Origin");
        if (origin == null || !origins.allowsCrossOrigin(origin)) {
            ctx.status(204); // same-origin or not a browser: nothing to allow
            return;
        }
        ctx.header("Access-Control-Allow-Methods", "GET, POST");
        ctx.header("Access-Control-Allow-Headers", "Content-Type, " + API_KEY_HEADER + ", Authorization, " + UploadHandler.IDEMPOTENCY_KEY);
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    private static void problem(ApiProblem problem, Context ctx) {
        ctx.attribute(PROBLEM_WRITTEN, problem.error());
        problem.retryAfterSeconds().ifPresent(seconds -> ctx.header("Retry-After", Integer.toString(seconds)));
        ctx.status(problem.status()).json(new ApiProblem.Body(problem.error(), problem.getMessage()));
    }

    private static void unexpected(Throwable e, Context ctx) {
        log.error("request failed method={} path={} error=\"{}\"", ctx.method(), ctx.path(), e.toString(), e);
        ctx.status(500).json(new ApiProblem.Body("internal", "the gateway failed to answer: " + e.getClass().getSimpleName()));
    }

    /**
     * The client a request counts against, for every share and limit kept per client: its connection's address, or the
     * address a trusted proxy forwarded it for ({@link TrustedProxies}), read once as the request arrives.
     */
    static String client(Context ctx) {
        String client = ctx.attribute(CLIENT);
        return client != null ? client : ctx.ip();
    }

    private static String route(Context ctx) {
        try {
            return ctx.endpointHandlerPath();
        } catch (RuntimeException noEndpoint) {
            return "unmatched";
        }
    }
}
