package io.inkstream.gateway.http;

import com.datastax.oss.driver.api.core.DriverException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.gateway.publish.ImagePublisher;
import io.inkstream.gateway.query.ImageQueries;
import io.inkstream.gateway.query.ModelCatalog;
import io.inkstream.gateway.query.RecentUploads;
import io.inkstream.gateway.upload.IdempotencyKeys;
import io.inkstream.model.preprocess.DigitPreprocessor;
import io.inkstream.ops.OpsServer;
import io.inkstream.store.PredictionReader;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's HTTP side: the web page, the REST API of {@link ApiRoute}, health and metrics, one error format. */
public final class GatewayApp {
    static final String API_KEY_HEADER = "X-Api-Key";
    private static final String STARTED_AT = "inkstream.started";
    private static final String PROBLEM_WRITTEN = "inkstream.problem";
    private static final Logger log = LoggerFactory.getLogger(GatewayApp.class);

    /** What the app needs from the service around it. */
    public record Parts(DigitPreprocessor inspector, ImagePublisher publisher, PredictionReader reader, ModelCatalog catalog,
                        RecentUploads recent, GatewayMetrics metrics, Supplier<OpsServer.Health> health, Supplier<String> prometheus,
                        Optional<String> apiKey, int maxFiles) {
    }

    private GatewayApp() {
    }

    public static Javalin create(Parts parts) {
        long maxImage = parts.inspector().limits().maxBytes();
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper(), false));
            // Answers are a few hundred bytes of JSON and the page is 52 KB, served on the same machine or a LAN:
            // compression gains nothing there, and deciding per response cost a tenth of the gateway's CPU (JFR, 500 uploads/s).
            config.http.disableCompression();
            // Raw uploads are read with the image cap by the handler; this only bounds what Javalin would buffer.
            config.http.maxRequestSize = maxImage + 1;
            // Multipart: every part stays in memory (nothing is written under a client's name, nothing at all);
            // a part far over the cap is cut off by Jetty, one just over it is measured and refused by the handler.
            config.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(Integer.MAX_VALUE, 4 * maxImage), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxFileSize(4 * maxImage, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(parts.maxFiles() * (maxImage + 64 * 1024), SizeUnit.BYTES);
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/io/inkstream/gateway/web";
                files.location = Location.CLASSPATH;
                files.mimeTypes.add("application/yaml", "yaml");
            });
        });

        UploadHandler upload = new UploadHandler(parts.inspector(), parts.publisher(), new IdempotencyKeys(100_000, Clock.systemUTC()),
                parts.recent(), parts.metrics(), parts.maxFiles());
        QueryHandlers queries = new QueryHandlers(new ImageQueries(parts.reader(), parts.recent()), parts.reader(), parts.catalog());
        for (ApiRoute route : ApiRoute.values()) {
            Handler handler = switch (route) {
                case UPLOAD -> upload;
                case IMAGES -> queries::images;
                case IMAGE -> queries::image;
                case PREDICTIONS -> queries::predictions;
                case MODELS -> queries::models;
                case HEALTH -> ctx -> {
                    OpsServer.Health health = parts.health().get();
                    ctx.status(health.healthy() ? 200 : 503).contentType("application/json").result(health.body());
                };
                case METRICS -> ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(parts.prometheus().get());
            };
            app.addHttpHandler(route.method(), route.path(), handler);
        }

        app.before(ctx -> ctx.attribute(STARTED_AT, System.nanoTime()));
        parts.apiKey().ifPresent(key -> app.before("/api/*", ctx -> requireKey(ctx, key)));
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

    private static void requireKey(Context ctx, String key) {
        String given = ctx.header(API_KEY_HEADER);
        String authorization = ctx.header("Authorization");
        if (given == null && authorization != null && authorization.startsWith("Bearer ")) {
            given = authorization.substring("Bearer ".length()).strip();
        }
        // Constant time: the comparison does not tell an attacker how much of a guess was right.
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiProblem(401, "unauthorized", "this gateway needs its API key in the " + API_KEY_HEADER
                    + " header (or Authorization: Bearer <key>)");
        }
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

    private static String route(Context ctx) {
        try {
            return ctx.endpointHandlerPath();
        } catch (RuntimeException noEndpoint) {
            return "unmatched";
        }
    }
}
