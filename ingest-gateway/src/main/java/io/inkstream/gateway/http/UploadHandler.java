package io.inkstream.gateway.http;

import io.inkstream.contract.topic.Headers;
import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.gateway.guard.DecodingLimits;
import io.inkstream.gateway.guard.UploadBudget;
import io.inkstream.gateway.publish.ImagePublisher;
import io.inkstream.gateway.publish.TakenOverPublisher;
import io.inkstream.gateway.query.RecentUploads;
import io.inkstream.gateway.upload.FileNames;
import io.inkstream.gateway.upload.IdempotencyKeys;
import io.inkstream.gateway.upload.SharedKeys;
import io.inkstream.gateway.upload.Upload;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.ImageRejection;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/images}: multipart (field {@code file}, one or many) or a raw body. Every image
 * is checked before any is published (all or nothing); the answer is 202 only once the broker has
 * acknowledged every image, 503 with {@code Retry-After} when it does not in time.
 */
final class UploadHandler implements Handler {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(UploadHandler.class);

    /** The 202 body: one entry per image, in the order sent. */
    record Accepted(List<AcceptedImage> images) {
    }

    record AcceptedImage(String id, String location, String format, int bytes, String filename, Integer label) {
    }

    /** An image as received, before checks. */
    private record Received(byte[] bytes, Optional<String> filename) {
    }

    private final DigitPreprocessor inspector;
    private final ImagePublisher publisher;
    private final TakenOverPublisher takenOver;
    private final IdempotencyKeys idempotencyKeys;
    private final SharedKeys sharedKeys;
    private final RecentUploads recent;
    private final GatewayMetrics metrics;
    private final int maxFiles;
    private final long maxRequestBytes;
    private final UploadBudget budget;
    private final ReceivingBodies bodies;
    private final DecodingLimits decoding;
    private volatile boolean brokerFailing;

    UploadHandler(DigitPreprocessor inspector, ImagePublisher publisher, TakenOverPublisher takenOver, IdempotencyKeys idempotencyKeys,
                  SharedKeys sharedKeys, RecentUploads recent, GatewayMetrics metrics, int maxFiles, long maxRequestBytes, UploadBudget budget,
                  ReceivingBodies bodies, DecodingLimits decoding) {
        this.inspector = inspector;
        this.publisher = publisher;
        this.takenOver = takenOver;
        this.idempotencyKeys = idempotencyKeys;
        this.sharedKeys = sharedKeys;
        this.recent = recent;
        this.metrics = metrics;
        this.maxFiles = maxFiles;
        this.maxRequestBytes = maxRequestBytes;
        this.budget = budget;
        this.bodies = bodies;
        this.decoding = decoding;
    }

    @Override
    public void handle(Context ctx) {
        boolean multipart = ctx.isMultipartFormData();
        long declared = ctx.contentLength();
        if (multipart && declared > maxRequestBytes) {
            throw tooLarge(); // refused on its headers, before a byte of the body is read
        }
        // A raw body is one image: at most the cap and one byte are read. Unknown lengths reserve the most they may carry.
        long most = multipart ? maxRequestBytes : inspector.limits().maxBytes() + 1L;
        String client = GatewayApp.client(ctx);
        UploadBudget.Answer answer = budget.reserve(client, declared >= 0 ? Math.min(declared, most) : most);
        if (answer == UploadBudget.Refusal.CLIENT_SHARE) {
            metrics.refused("uploads-in-progress");
            throw new ApiProblem(429, "uploads-in-progress", client + " holds its share of this gateway's upload memory"
                    + " with uploads in progress; send this one when one of them is done", Optional.of(1));
        }
        if (answer == UploadBudget.Refusal.BUDGET) {
            metrics.refused("uploads-busy");
            throw new ApiProblem(503, "uploads-busy", "the gateway holds as many upload bytes as it may (" + budget.totalBytes() / (1024 * 1024)
                    + " MiB) right now; retry in a second", Optional.of(1));
        }
        UploadBudget.Reservation room = (UploadBudget.Reservation) answer;
        boolean handedOff = false;
        try {
            handedOff = handle(ctx, client, multipart, room);
        } finally {
            if (!handedOff) {
                room.close();
            }
        }
    }

    /**
     * Charges the pixels an upload's images will take the classifier to decode to its client, before anything is published:
     * a 4096 x 4096 page takes the classifier's thread 0.1-0.3 s to decode as PNG, up to 1.5 s as WebP (a lossless one is
     * 38 bytes), a JPEG of 32 scans up to 3.3 s, so a rate of requests alone let one client keep the classifier decoding
     * for everyone. The inspection counts the pixels by what they cost ({@link DigitPreprocessor.Inspection}). All clients
     * together are charged as well: a crowd of addresses, each under its own rate, is refused 503 beyond the rate in all.
     */
    private void chargeDecoding(String client, long cost) {
        Optional<DecodingLimits.Refusal> refused = decoding.take(client, cost);
        if (refused.isEmpty()) {
            return;
        }
        int wait = refused.get().seconds();
        String upload = String.format(Locale.ROOT, "this upload: %.1f megapixels, a JPEG's counted once per scan, a WebP's, a CMYK "
                + "JPEG's or a 16-bit colour PNG's 2 to 6 times", cost / 1e6);
        if (refused.get().everyone()) {
            metrics.refused("decoding-busy");
            throw new ApiProblem(503, "decoding-busy", "uploads from all clients together hold as many pixels to decode as this "
                    + "gateway takes right now (" + upload + "); retry in " + wait + " s", Optional.of(wait));
        }
        metrics.refused("decoding-rate-limited");
        throw new ApiProblem(429, "decoding-rate-limited", "uploads from " + client + " hold more pixels to decode than one client "
                + "may send (" + upload + "); retry in " + wait + " s", Optional.of(wait));
    }

    /** Whether the upload went to the broker: its room is then given back when the broker has answered. */
    private boolean handle(Context ctx, String client, boolean multipart, UploadBudget.Reservation room) {
        Optional<String> key = Optional.ofNullable(ctx.header(IDEMPOTENCY_KEY)).map(String::strip);
        if (key.isPresent() && !IdempotencyKeys.isValid(key.get())) {
            throw new ApiProblem(400, "invalid-idempotency-key", "the Idempotency-Key header must be 1 to 255 printable ASCII characters");
        }
        List<Received> received;
        try (ReceivingBodies.Receiving receiving = bodies.take(ctx)) {
            received = multipart ? multipart(ctx) : List.of(rawBody(ctx));
        }
        List<OptionalInt> labels = labels(ctx, received.size());
        List<Upload> uploads = new ArrayList<>(received.size());
        long decodeCost = 0;
        for (int i = 0; i < received.size(); i++) {
            Received image = received.get(i);
            DigitPreprocessor.Inspection inspection;
            try {
                inspection = inspector.inspection(image.bytes());
            } catch (ImageRejectedException e) {
                metrics.rejected(e.reason().code());
                throw ApiProblem.rejected(e, received.size() > 1 || image.filename().isPresent() ? describe(i, image) : "");
            }
            decodeCost += inspection.decodeCost();
            String id = key.map(k -> IdempotencyKeys.imageId(k, uploads.size())).orElseGet(() -> UUID.randomUUID().toString());
            uploads.add(new Upload(id, image.bytes(), inspection.format(), image.filename(), labels.get(i)));
        }
        String digest = digest(uploads);
        // This instance's memory first (a retry here costs no round trip), then the keys every instance shares.
        Optional<IdempotencyKeys.Answer> earlier = key.flatMap(idempotencyKeys::answered);
        if (earlier.isPresent() && !earlier.get().requestDigest().equals(digest)) {
            throw reused(key.get());
        }
        // A retry of images already published costs the classifier nothing and is not charged: one this instance answered
        // is known here; one that the shared keys find published is given its charge back. Charging before the claim
        // refuses a client over its rate before the lightweight transaction.
        long charged = earlier.isPresent() ? 0 : decodeCost;
        chargeDecoding(client, charged);
        Optional<String> owner = Optional.empty();
        Optional<SharedKeys.EarlierClaims> heldBefore = Optional.empty(); // when requests that held the key before claimed it
        if (key.isPresent()) {
            SharedKeys.Decision decision = earlier.isPresent() ? new SharedKeys.Decision.Replay() : claim(key.get(), digest);
            if (decision instanceof SharedKeys.Decision.Reused) {
                decoding.giveBack(client, charged);
                throw reused(key.get());
            }
            if (decision instanceof SharedKeys.Decision.Replay) {
                decoding.giveBack(client, charged);
                metrics.replayed();
                idempotencyKeys.remember(key.get(), digest, uploads.stream().map(Upload::imageId).toList());
                ctx.header("Idempotent-Replayed", "true");
                answer(ctx, uploads);
                return false;
            }
            if (decision instanceof SharedKeys.Decision.Publish publish) {
                owner = Optional.of(publish.owner());
                heldBefore = publish.earlier();
            } // Unavailable: published without a claim, under the ids the key gives all the same.
        }
        Optional<String> claimed = owner;

        long started = System.nanoTime();
        List<String> ids = uploads.stream().map(Upload::imageId).toList();
        // A taken-over key's earlier request may have got its records onto the topic, or still get them there: looked for
        // up to a mark that settles them (TakenOverPublisher), and only the rest sent. All there: answered as a replay.
        CompletableFuture<Boolean> publishing = heldBefore.isPresent()
                ? takenOver.publish(uploads, Instant.now(), heldBefore.get().times())
                        .thenApply(onTopic -> onTopic.containsAll(ids))
                : publisher.publish(uploads, Instant.now()).thenApply(ok -> false);
        CompletableFuture<Object> answered = publishing.handle((replayed, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                metrics.publishFailed();
                decoding.giveBack(client, charged); // nothing reached the classifier; the retry is charged instead
                claimed.ifPresent(o -> sharedKeys.failed(key.get(), o));
                if (!brokerFailing) {
                    brokerFailing = true;
                    log.warn("uploads refused: the broker does not acknowledge reason=\"{}\"", cause.getMessage());
                }
                throw new ApiProblem(503, "broker-unavailable", "the images could not be stored now (" + cause.getMessage()
                        + "); retry later, with the same Idempotency-Key to be safe from duplicates",
                        Optional.of(RETRY_AFTER_SECONDS));
            }
            if (brokerFailing) {
                brokerFailing = false;
                log.info("uploads accepted again: the broker acknowledges");
            }
            if (replayed) {
                metrics.replayed();
                ctx.header("Idempotent-Replayed", "true");
            } else {
                metrics.accepted(uploads.size(), System.nanoTime() - started);
            }
            uploads.forEach(upload -> recent.add(upload.imageId()));
            key.ifPresent(k -> idempotencyKeys.remember(k, digest, ids));
            claimed.ifPresent(o -> sharedKeys.published(key.get(), o));
            answer(ctx, uploads);
            return null;
        });
        answered.whenComplete((ok, error) -> room.close());
        ctx.future(() -> answered);
        return true;
    }

    private SharedKeys.Decision claim(String key, String digest) {
        try {
            return sharedKeys.claim(key, digest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "shutting-down", "the gateway is stopping; retry with the same Idempotency-Key",
                    Optional.of(RETRY_AFTER_SECONDS));
        }
    }

    private static ApiProblem reused(String key) {
        return new ApiProblem(422, "idempotency-key-reused", "Idempotency-Key " + key
                + " was used for a different upload; use a new key for new images");
    }

    private ApiProblem tooLarge() {
        return new ApiProblem(413, "too-large", "the upload is larger than the gateway accepts: at most "
                + maxFiles + " images of " + inspector.limits().maxBytes() + " bytes each");
    }

    private static void answer(Context ctx, List<Upload> uploads) {
        List<AcceptedImage> images = uploads.stream()
                .map(u -> new AcceptedImage(u.imageId(), QueryHandlers.imageLocation(u.imageId()), u.format().shortName(), u.bytes().length,
                        u.filename().orElse(null), u.label().isPresent() ? u.label().getAsInt() : null))
                .toList();
        ctx.status(202);
        ctx.header("Location", images.size() == 1 ? images.get(0).location()
                : QueryHandlers.imagesLocation(uploads.stream().map(Upload::imageId).toList()));
        ctx.json(new Accepted(images));
    }

    private List<Received> multipart(Context ctx) {
        List<UploadedFile> files;
        try {
            files = ctx.uploadedFiles("file");
        } catch (Exception e) { // an IOException too, thrown unchecked through Javalin: no boundary, a body cut short, too slow
            Optional<ApiProblem> slow = ApiProblem.tooSlow(e);
            if (slow.isPresent()) {
                throw slow.get();
            }
            // Jetty refuses parts over the multipart limits with an IllegalStateException naming the limit. Its type alone
            // cannot tell them: Jetty 11's parser throws the same type for a dozen states of its own. So the text, held to it
            // by GatewayEdgeIT (a 5 MiB part) and GatewayApiIT (an oversized part), both answered 413 too-large: an upgrade
            // of Jetty that words it otherwise turns them red rather than answering 400.
            String message = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
            if (message.contains("exceeds") || message.contains("too large") || message.contains("Too large")) {
                throw tooLarge();
            }
            throw new ApiProblem(400, "malformed-multipart", "the multipart body cannot be read: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new ApiProblem(400, "missing-file", "a multipart upload needs at least one part named \"file\"");
        }
        if (files.size() > maxFiles) {
            throw new ApiProblem(413, "too-many-files", files.size() + " files in one upload; at most " + maxFiles);
        }
        List<Received> received = new ArrayList<>(files.size());
        for (UploadedFile file : files) {
            try (InputStream in = file.content()) {
                received.add(new Received(readCapped(in, file.size()), FileNames.sanitise(file.filename())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return received;
    }

    private Received rawBody(Context ctx) {
        long length = ctx.contentLength();
        try {
            return new Received(readCapped(ctx.bodyInputStream(), length), FileNames.sanitise(ctx.queryParam("filename")));
        } catch (IOException e) {
            throw ApiProblem.unreadableBody(e);
        }
    }

    /** Reads at most one byte more than the cap: a bigger image is refused without being held in memory. */
    private byte[] readCapped(InputStream in, long declaredLength) throws IOException {
        int cap = inspector.limits().maxBytes();
        if (declaredLength > cap) {
            metrics.rejected(new ImageRejection.TooLarge(declaredLength, cap).reason().code());
            throw ApiProblem.rejected(new ImageRejectedException(new ImageRejection.TooLarge(declaredLength, cap)), "");
        }
        return in.readNBytes(cap + 1);
    }

    /** {@code label}: none, one for every image, or one per image in order; as form fields or query parameters. */
    private static List<OptionalInt> labels(Context ctx, int images) {
        List<String> given = new ArrayList<>(ctx.isMultipartFormData() ? ctx.formParams("label") : List.of());
        given.addAll(ctx.queryParams("label"));
        if (given.isEmpty()) {
            return java.util.Collections.nCopies(images, OptionalInt.empty());
        }
        if (given.size() != 1 && given.size() != images) {
            throw new ApiProblem(400, "invalid-label", given.size() + " labels for " + images + " images: give one for all, or one per image");
        }
        List<OptionalInt> labels = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            String text = given.get(given.size() == 1 ? 0 : i).strip();
            OptionalInt label = Headers.label(text);
            if (text.isEmpty() || label.isPresent()) {
                labels.add(label);
            } else {
                throw new ApiProblem(400, "invalid-label", "label \"" + text + "\" is not a digit from 0 to 9");
            }
        }
        return labels;
    }

    private static String describe(int index, Received image) {
        return " (image " + (index + 1) + image.filename().map(name -> ", " + name).orElse("") + ")";
    }

    /** What identifies a request for Idempotency-Key: every image's bytes and label, in order. */
    private static String digest(List<Upload> uploads) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Upload upload : uploads) {
                sha.update(upload.bytes());
                sha.update(upload.label().isPresent() ? (byte) upload.label().getAsInt() : (byte) -1);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
