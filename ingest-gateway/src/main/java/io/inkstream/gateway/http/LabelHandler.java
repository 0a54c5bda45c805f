package io.inkstream.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.contract.correction.Correction;
import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.gateway.publish.CorrectionPublisher;
import io.inkstream.gateway.publish.Labellers;
import io.inkstream.gateway.query.ImageQueries;
import io.inkstream.gateway.query.ImageStatus;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/images/{id}/label} with {@code {"label": 7}}: a person says which digit an image is, because the answer was
 * wrong (or, naming the digit it gave, that it was right). The correction goes onto the corrections topic (compacted, keyed by
 * image and labeller: a client's latest label replaces its own, never another's); the sink writes the label most of the image's
 * labellers give beside the predictions. Only an image with a stored prediction can be
 * corrected: a correction names something a model answered. The body is read up to {@link #MAX_BODY_BYTES} and must be JSON
 * (so that a page of another origin cannot send one without the preflight the origin policy answers). The correction names
 * its labeller, a pseudonym of the request's client ({@link Labellers}), which the answer does not show.
 */
final class LabelHandler implements Handler {
    static final int MAX_BODY_BYTES = 1024;
    static final int RETRY_AFTER_SECONDS = 2;
    /** One reading of a body: a repeated "label" or a second value after the first is malformed, not the last or first one. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Logger log = LoggerFactory.getLogger(LabelHandler.class);

    /** The answer: what was recorded. */
    record LabelView(String imageId, int label, String source, Instant labelledAt) {
    }

    private final ImageQueries images;
    private final CorrectionPublisher publisher;
    private final Labellers labellers;
    private final GatewayMetrics metrics;
    private final Clock clock;

    private final ReceivingBodies bodies;

    LabelHandler(ImageQueries images, CorrectionPublisher publisher, Labellers labellers, GatewayMetrics metrics, Clock clock,
                 ReceivingBodies bodies) {
        this.images = images;
        this.publisher = publisher;
        this.labellers = labellers;
        this.metrics = metrics;
        this.clock = clock;
        this.bodies = bodies;
    }

    @Override
    public void handle(Context ctx) throws IOException {
        String id = QueryHandlers.checkedId(ctx.pathParam("id"));
        int label = label(ctx);
        ImageStatus status = images.status(id);
        switch (status.status()) {
            case CLASSIFIED -> {
            }
            case PENDING -> throw new ApiProblem(409, "not-classified-yet", "image " + id + " has no answer yet to correct; retry once it is "
                    + "classified", Optional.of(RETRY_AFTER_SECONDS));
            case FAILED -> throw new ApiProblem(409, "image-failed", "image " + id + " was refused by the pipeline ("
                    + status.failure().map(f -> f.reason()).orElse("unknown") + "): no model answered it, so there is nothing to correct");
            case UNKNOWN -> throw new ApiProblem(404, "unknown-image", "no image " + id + " has been classified");
        }
        Correction correction = Correction.byPerson(id, label, clock.instant(), labellers.of(GatewayApp.client(ctx)));
        CompletableFuture<Object> answered = publisher.publish(correction).handle((ok, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                log.warn("correction refused: the broker does not acknowledge image_id={} reason=\"{}\"", id, cause.getMessage());
                throw new ApiProblem(503, "broker-unavailable", "the correction could not be stored now (" + cause.getMessage()
                        + "); retry later", Optional.of(RETRY_AFTER_SECONDS));
            }
            metrics.corrected(status.predictions().get(status.predictions().size() - 1).label() == label);
            ctx.status(202).header("Location", QueryHandlers.imageLocation(id))
                    .json(new LabelView(id, label, correction.source(), correction.correctedAt()));
            return null;
        });
        ctx.future(() -> answered);
    }

    /** The digit of a JSON body {@code {"label": d}}: 415 if not JSON, 413 if long, 400 if malformed, 422 if not a digit 0-9. */
    private int label(Context ctx) throws IOException {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiProblem(415, "unsupported-media-type", "send the label as JSON: Content-Type: application/json, body {\"label\": 7}");
        }
        byte[] body;
        try (ReceivingBodies.Receiving receiving = bodies.take(ctx); InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw ApiProblem.unreadableBody(e);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiProblem(413, "too-large", "a label's body has at most " + MAX_BODY_BYTES + " bytes: {\"label\": 7}");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiProblem(400, "invalid-json", "the body is not JSON: " + e.getOriginalMessage());
        }
        JsonNode label = tree == null ? null : tree.get("label");
        if (label == null || !label.isIntegralNumber() || !label.canConvertToInt() || label.intValue() < 0 || label.intValue() > 9) {
            throw new ApiProblem(422, "invalid-label", "label must be a digit 0-9 as a JSON number, e.g. {\"label\": 7}; got "
                    + (label == null ? "none" : abbreviate(label.toString())));
        }
        return label.intValue();
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
