package io.inkstream.gateway.upload;

import io.inkstream.image.ImageFormat;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One image accepted for publishing: checked, given an id, not yet on the topic.
 *
 * @param format   sniffed from the bytes; the client's content type is never trusted
 * @param filename the client's name for it, sanitised, kept as a header only
 * @param label    the true digit, when the client knows it
 */
public record Upload(String imageId, byte[] bytes, ImageFormat format, Optional<String> filename, OptionalInt label) {
}
