package io.inkstream.contract.topic;

import java.util.Optional;

/**
 * What an image id is, wherever one arrives: the key of its record on {@link Topics#IMAGES} (from any producer), a
 * path of the gateway's API, a correction's {@code imageId}. One rule, so that every image the classifier answers for
 * can be looked up, corrected and stored (Cassandra refuses a partition key over 64 KiB).
 */
public final class ImageIds {
    /** Characters an image id may have: a UUID has 36, a client's own scheme fits several times over. */
    public static final int MAX_LENGTH = 256;

    private ImageIds() {
    }

    /** Why a record's key is not an image id, or empty when it is one: UTF-8 text of 1 to {@link #MAX_LENGTH} characters. */
    public static Optional<String> problem(byte[] key) {
        if (key == null || key.length == 0) {
            return Optional.of("the record has no key: the key is the image id");
        }
        // A character is at most 4 bytes of UTF-8: a longer key is refused before it is decoded.
        if (key.length > 4 * MAX_LENGTH) {
            return Optional.of("the key has " + key.length + " bytes; an image id has at most " + MAX_LENGTH + " characters");
        }
        Optional<String> id = StrictUtf8.decode(key, 0, key.length);
        if (id.isEmpty()) {
            // Decoded leniently, two such keys could become one id.
            return Optional.of("the key is not UTF-8 text");
        }
        return problem(id.get()).map(why -> "the key " + why);
    }

    /**
     * Why {@code id} is not an image id, or empty when it is one: 1 to {@link #MAX_LENGTH} characters. For an id already
     * text (a path of the gateway's API, a correction's {@code imageId}, a key a consumer decoded). The reason is a phrase
     * that follows the id's name: "the key has 300 characters; ...".
     */
    public static Optional<String> problem(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("is empty; an image id has 1 to " + MAX_LENGTH + " characters");
        }
        if (id.length() > MAX_LENGTH) {
            return Optional.of("has " + id.length() + " characters; an image id has at most " + MAX_LENGTH);
        }
        return Optional.empty();
    }
}
