package io.inkstream.contract.correction;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The value of the corrections topic (JSON, {@code schema} 1): the true digit of an image, as a person says it is. The topic is
 * compacted and keyed by image and labeller ({@link CorrectionKeys}), so each labeller's latest correction of an image is the
 * one that counts, and the image is what most of its labellers say ({@link LabelVotes}). A confirmation ("right") is a
 * correction naming the digit the model gave.
 *
 * @param schema      the record layout version; consumers refuse ones they do not know
 * @param imageId     the images topic key of the image corrected ({@link io.inkstream.contract.topic.ImageIds})
 * @param label       the digit, 0-9
 * @param source      who says so: {@value #PERSON} for the gateway's page and API
 * @param correctedAt when the correction was made
 * @param labeller    who labelled, as a pseudonym, or null (records of producers that do not say, and every correction made
 *                    before 2026-12-05): the gateway writes a keyed hash of its client, so that training can bound what one
 *                    labeller weighs without anyone learning an address from the topic. Added within schema 1: readers that do
 *                    not know it ignore it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Correction(@JsonProperty(required = true) int schema, @JsonProperty(required = true) String imageId,
                         @JsonProperty(required = true) int label, @JsonProperty(required = true) String source,
                         @JsonProperty(required = true) Instant correctedAt, String labeller) {
    public static final int SCHEMA = 1;
    /** The source of corrections made through the gateway. */
    public static final String PERSON = "person";
    /** A source names who corrected in at most this many characters; so does a labeller's pseudonym. */
    public static final int MAX_SOURCE_LENGTH = 64;

    /** A correction made through the gateway by the labeller of this pseudonym (null: not known). */
    public static Correction byPerson(String imageId, int label, Instant correctedAt, String labeller) {
        return new Correction(SCHEMA, imageId, label, PERSON, correctedAt, labeller);
    }
}
