package io.inkstream.gateway.http;

import io.inkstream.image.PreprocessingLimits;

/**
 * What an upload may be ({@code GET /api/limits}): the page scales a photo down to these before sending it, and a client
 * of the API can do the same, instead of learning them from a 413 or a 422.
 *
 * @param maxImageBytes       an image's bytes ({@code INKSTREAM_IMAGE_MAX_BYTES}); more is 413 {@code too-large}
 * @param maxImageWidth       its width in pixels ({@code INKSTREAM_IMAGE_MAX_SIDE}); more is 422 {@code dimensions-too-large}
 * @param maxImageHeight      its height, likewise
 * @param maxImagesPerRequest images in one multipart request ({@code INKSTREAM_GATEWAY_MAX_FILES})
 */
public record UploadLimits(int maxImageBytes, int maxImageWidth, int maxImageHeight, int maxImagesPerRequest) {
    static UploadLimits of(PreprocessingLimits images, int maxImagesPerRequest) {
        return new UploadLimits(images.maxBytes(), images.maxWidth(), images.maxHeight(), maxImagesPerRequest);
    }
}
