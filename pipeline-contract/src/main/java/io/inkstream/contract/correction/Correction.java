package io.inkstream.contract.correction;

import java.time.Instant;

/**
 * The value of the corrections topic (JSON, {@code schema} 1): the true digit of an image, as a person says it is. The topic is
 * compacted and keyed by image id, so an image's latest correction is the one that counts. A confirmation ("right") is a
 * correction naming the digit the model gave.
 *
 * @param schema      the record layout version; consumers refuse ones they do not know
 * @param imageId     the images topic key of the image corrected ({@link io.inkstream.contract.topic.ImageIds})
 * @param label       the digit, 0-9
 * @param source      who says so: {@value #PERSON} for the gateway's page and API
 * @param correctedAt when the correction was made
 */
public record Correction(int schema, String imageId, int label, String source, Instant correctedAt) {
    public static final int SCHEMA = 1;
    /** The source of corrections made through the gateway. */
    public static final String PERSON = "person";
    /** A source names who corrected in at most this many characters. */
    public static final int MAX_SOURCE_LENGTH = 64;

    public static Correction byPerson(String imageId, int label, Instant correctedAt) {
        return new Correction(SCHEMA, imageId, label, PERSON, correctedAt);
    }
}
