package io.inkstream.gateway.upload;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key}: a client that retries an upload (after a timeout, a 503, a dropped
 * connection) gets the same image ids and no second copy.
 *
 * <p>Two layers. The ids are derived from the key, so even a retry that lands on another gateway
 * instance, or after a restart, publishes the same ids and the tables (upserts by image id) hold
 * one image. And this instance remembers the keys it answered for {@link #RETENTION}, so a retry
 * here is answered from memory without publishing anything again; a key reused for different
 * bytes is refused instead of silently answering for the first upload. Thread-safe.
 */
public final class IdempotencyKeys {
    public static final Duration RETENTION = Duration.ofHours(24);
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7e]{1,255}");

    /** What was answered for a key: a digest of the request's images and the ids given. */
    public record Answer(String requestDigest, List<String> imageIds, Instant answeredAt) {
    }

    private final int capacity;
    private final Clock clock;
    private final Map<String, Answer> answers;

    public IdempotencyKeys(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
        this.answers = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
                return size() > IdempotencyKeys.this.capacity;
            }
        };
    }

    /** Printable ASCII without spaces, 1 to 255 characters: what every client library sends. */
    public static boolean isValid(String key) {
        return VALID.matcher(key).matches();
    }

    /** The id of the index-th image of a request with this key: the same on every instance, every time. */
    public static String imageId(String key, int index) {
        return UUID.nameUUIDFromBytes(("inkstream-upload:" + key + "#" + index).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public synchronized Optional<Answer> answered(String key) {
        Answer answer = answers.get(key);
        if (answer != null && answer.answeredAt().plus(RETENTION).isBefore(clock.instant())) {
            answers.remove(key);
            return Optional.empty();
        }
        return Optional.ofNullable(answer);
    }

    public synchronized void remember(String key, String requestDigest, List<String> imageIds) {
        answers.put(key, new Answer(requestDigest, List.copyOf(imageIds), clock.instant()));
    }
}
