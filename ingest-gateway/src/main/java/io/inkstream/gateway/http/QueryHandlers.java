package io.inkstream.gateway.http;

import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.role.ModelRoles;
import io.inkstream.contract.topic.ImageIds;
import io.inkstream.gateway.query.ImageQueries;
import io.inkstream.gateway.query.ImageStatus;
import io.inkstream.gateway.query.ModelCatalog;
import io.inkstream.image.artifact.ModelMetadata;
import io.inkstream.store.ImageFailure;
import io.inkstream.store.ImageLabel;
import io.inkstream.store.ModelAccuracy;
import io.inkstream.store.ModelLabel;
import io.inkstream.store.PeopleAccuracy;
import io.inkstream.store.PredictionPage;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.ShadowAccuracy;
import io.inkstream.store.StoredPrediction;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The read side of the API: images, predictions, models. Every answer comes from Cassandra and the models topic. */
final class QueryHandlers {
    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 200;
    static final int MAX_IDS = 100;

    /** @param label the digit a person gave it, if anyone did */
    record ImageView(String id, String status, List<PredictionView> predictions, FailureView failure, LabelView label) {
    }

    /**
     * @param votes     how many labellers give each digit they gave ({@code {"8": 2, "3": 1}}); absent for a label from before they
     *                  were kept
     * @param contested whether another digit has as many labellers: people disagree, and the digit given first stands; absent with
     *                  {@code votes}
     */
    record LabelView(int digit, String source, Instant labelledAt, Map<Integer, Integer> votes, Boolean contested) {
        static LabelView of(ImageLabel l) {
            boolean known = !l.votes().isEmpty();
            return new LabelView(l.label(), l.source(), l.labelledAt(), known ? l.votes() : null, known ? l.contested() : null);
        }
    }

    /** @param inputUrl where the 28 x 28 input the model classified is served, when it is kept */
    record PredictionView(String imageId, String model, int label, float confidence, List<Float> probabilities, Integer trueLabel,
                          String source, Instant submittedAt, Instant classifiedAt, String inputUrl) {
        /** A prediction as the topic carries it (an event stream's), with where its input will be served. */
        static PredictionView of(Prediction p, boolean hasInput) {
            return new PredictionView(p.imageId(), p.modelVersion(), p.label(), p.confidence(), p.probabilities(), p.trueLabel(),
                    p.source(), p.submittedAt(), p.classifiedAt(), hasInput ? inputLocation(p.imageId(), p.modelVersion()) : null);
        }

        static PredictionView of(StoredPrediction p) {
            return new PredictionView(p.imageId(), p.modelVersion(), p.label(), p.confidence(), p.probabilities().isEmpty() ? null
                    : p.probabilities(), p.trueLabel(), p.source(), p.submittedAt(), p.classifiedAt(),
                    p.hasModelInput() ? inputLocation(p.imageId(), p.modelVersion()) : null);
        }
    }

    record FailureView(String stage, String reason, String message, Instant failedAt) {
        static FailureView of(ImageFailure f) {
            return new FailureView(f.stage(), f.reason(), f.message(), f.failedAt());
        }
    }

    record ImagesView(List<ImageView> images) {
    }

    record PredictionPageView(String model, List<PredictionView> predictions, String next, String nextUrl) {
    }

    /** @param shadow the version named as the shadow model (classified beside the active one, never the answer), or null */
    record ModelsView(String active, boolean pinned, String shadow, Instant accuracyCountedAt, List<ModelView> models,
                      List<RefusalView> refused) {
    }

    /** A publication on the models topic that was refused: its key, its offset, why. */
    record RefusalView(String key, long offset, String reason) {
    }

    /**
     * @param live   on the labels producers sent with their images
     * @param people on the labels people gave through the page and the API, with the model's latest mistakes among them
     * @param role   {@code active}, {@code shadow} or null
     * @param asShadow what it did as the shadow model, if it ever ran as one
     */
    record ModelView(String version, String architecture, Instant createdAt, Double validationAccuracy, boolean active, String role,
                     LiveView live, PeopleView people, ShadowView asShadow) {
    }

    /**
     * @param agreement share of its answers equal to the active model's on the same image
     * @param accuracy  on producers' labels, null until it classified a labelled image
     */
    record ShadowView(long predictions, long agreed, Double agreement, long labelled, long correct, Double accuracy) {
        static ShadowView of(ShadowAccuracy a) {
            return new ShadowView(a.predictions(), a.agreed(), a.predictions() == 0 ? null : a.agreement(), a.labelled(), a.correct(),
                    a.labelled() == 0 ? null : a.accuracy());
        }
    }

    /** @param accuracy null until a person labelled an image this model classified */
    record PeopleView(long labelled, long correct, Double accuracy, List<MistakeView> recentMistakes) {
        static PeopleView of(PeopleAccuracy a) {
            return new PeopleView(a.labelled(), a.correct(), a.labelled() == 0 ? null : a.accuracy(),
                    a.recentMistakes().stream().map(MistakeView::of).toList());
        }
    }

    /** @param inputUrl the input this model classified, where kept (the page shows it beside the mistake) */
    record MistakeView(String imageId, int predicted, int label, Instant labelledAt, String url, String inputUrl) {
        static MistakeView of(ModelLabel m) {
            return new MistakeView(m.imageId(), m.predicted(), m.label(), m.labelledAt(), imageLocation(m.imageId()),
                    inputLocation(m.imageId(), m.modelVersion()));
        }
    }

    /** @param accuracy null until a labelled image has been classified by this model */
    record LiveView(long predictions, long labelled, long correct, Double accuracy) {
        static LiveView of(ModelAccuracy a) {
            return new LiveView(a.predictions(), a.labelled(), a.correct(), a.labelled() == 0 ? null : a.accuracy());
        }
    }

    private final ImageQueries images;
    private final PredictionReader reader;
    private final ModelCatalog catalog;

    QueryHandlers(ImageQueries images, PredictionReader reader, ModelCatalog catalog) {
        this.images = images;
        this.reader = reader;
        this.catalog = catalog;
    }

    static String imageLocation(String id) {
        return "/api/images/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    static String inputLocation(String id, String model) {
        return imageLocation(id) + "/input.png?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8);
    }

    static String imagesLocation(List<String> ids) {
        return "/api/images?ids=" + URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
    }

    /** {@code GET /api/images/{id}}: 404 when the id is unknown to the tables and to this instance. */
    void image(Context ctx) {
        String id = checkedId(ctx.pathParam("id"));
        ImageView view = view(images.status(id));
        if (view.status().equals("unknown")) {
            throw new ApiProblem(404, "unknown-image", "no image " + id + " has been classified or refused, and this gateway did not "
                    + "accept it lately; an image just sent straight to the topic or through another gateway shows up once classified");
        }
        ctx.json(view);
    }

    /** {@code GET /api/images?ids=a,b,c}: several at once (what a multi-file upload's Location names); unknown ids are listed as such. */
    void images(Context ctx) {
        String ids = ctx.queryParam("ids");
        if (ids == null || ids.isBlank()) {
            throw new ApiProblem(400, "missing-ids", "name the images: /api/images?ids=<id>,<id>; recent predictions are at /api/predictions");
        }
        ctx.json(new ImagesView(idList(ids).stream().map(images::status).map(QueryHandlers::view).toList()));
    }

    /** The ids of an {@code ids=a,b,c} parameter: blanks and repeats dropped, at most {@link #MAX_IDS}, each checked. */
    static List<String> idList(String text) {
        List<String> list = Arrays.stream(text.split(",")).map(String::strip).filter(id -> !id.isEmpty()).distinct().toList();
        if (list.size() > MAX_IDS) {
            throw new ApiProblem(400, "too-many-ids", list.size() + " ids; at most " + MAX_IDS + " per request");
        }
        list.forEach(QueryHandlers::checkedId);
        return list;
    }

    /** {@code GET /api/predictions?model=&limit=&page=}: newest first; {@code page} is the previous answer's {@code next}. */
    void predictions(Context ctx) {
        Optional<String> model = namedModel(ctx).or(catalog::activeVersion);
        int limit = limit(ctx.queryParam("limit"));
        Optional<String> page = Optional.ofNullable(ctx.queryParam("page")).filter(p -> !p.isBlank());
        if (model.isEmpty()) {
            ctx.json(new PredictionPageView(null, List.of(), null, null));
            return;
        }
        PredictionPage result;
        try {
            result = reader.recent(model.get(), limit, page);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(400, "invalid-page", "page must be the \"next\" value of a previous answer: " + e.getMessage());
        }
        String next = result.next().orElse(null);
        String nextUrl = next == null ? null : "/api/predictions?model=" + URLEncoder.encode(model.get(), StandardCharsets.UTF_8)
                + "&limit=" + limit + "&page=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        ctx.json(new PredictionPageView(model.get(), result.predictions().stream().map(PredictionView::of).toList(), next, nextUrl));
    }

    /**
     * {@code GET /api/models}: versions, the active one and the shadow, validation and live accuracy, a shadow's agreement, and
     * the latest refused publications.
     */
    void models(Context ctx) {
        ModelCatalog.Snapshot snapshot = catalog.snapshot();
        List<ModelView> models = snapshot.models().stream()
                .map(e -> new ModelView(e.version(), e.metadata().map(ModelMetadata::architecture).orElse(null),
                        e.metadata().map(ModelMetadata::createdAt).orElse(null),
                        e.metadata().map(ModelMetadata::validationAccuracy).orElse(null), e.active(),
                        e.active() ? "active" : e.shadow() ? "shadow" : null,
                        e.live().map(LiveView::of).orElse(null), e.people().map(PeopleView::of).orElse(null),
                        e.asShadow().map(ShadowView::of).orElse(null)))
                .toList();
        List<RefusalView> refused = snapshot.refused().stream().map(r -> new RefusalView(r.key(), r.position(), r.reason())).toList();
        ctx.json(new ModelsView(snapshot.active().orElse(null), snapshot.pinned(), snapshot.shadow().orElse(null),
                snapshot.accuracyAt().orElse(null), models, refused));
    }

    private static ImageView view(ImageStatus status) {
        return new ImageView(status.id(), status.status().name().toLowerCase(Locale.ROOT),
                status.predictions().stream().map(PredictionView::of).toList(),
                status.failure().map(FailureView::of).orElse(null), status.label().map(LabelView::of).orElse(null));
    }

    /** {@code id} if it can be an image id ({@link ImageIds}), else 400 {@code invalid-id}. */
    static String checkedId(String id) {
        ImageIds.problem(id).ifPresent(why -> {
            throw new ApiProblem(400, "invalid-id", "the image id " + why);
        });
        return id;
    }

    /** The model a query names, if it names one: a version ({@link ModelRoles#isVersion}), else 400 {@code invalid-model}. */
    static Optional<String> namedModel(Context ctx) {
        Optional<String> named = Optional.ofNullable(ctx.queryParam("model")).filter(m -> !m.isBlank());
        if (named.isPresent() && !ModelRoles.isVersion(named.get())) {
            throw new ApiProblem(400, "invalid-model", "a model version has 1 to " + ModelRoles.MAX_VERSION_LENGTH
                    + " letters, digits, '.', '_' or '-'");
        }
        return named;
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_PAGE;
        }
        try {
            int limit = Integer.parseInt(text.strip());
            if (limit >= 1 && limit <= MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiProblem(400, "invalid-limit", "limit must be a whole number from 1 to " + MAX_PAGE);
    }
}
