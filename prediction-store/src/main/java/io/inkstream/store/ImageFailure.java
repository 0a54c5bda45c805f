package io.inkstream.store;

import java.time.Instant;

/**
 * An image the pipeline accepted and then refused: a dead letter of the images topic.
 *
 * @param stage  where it failed ({@code preprocess}, {@code classify})
 * @param reason the rejection code ({@code no-ink}, {@code undecodable}, ...) or an exception class
 */
public record ImageFailure(String imageId, String stage, String reason, String message, String source, Instant failedAt) {
}
