package io.inkstream.image;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The formats the pipeline accepts, recognised from their leading bytes, never from a name or header. */
public enum ImageFormat {
    PNG("png", "image/png"),
    JPEG("jpeg", "image/jpeg"),
    GIF("gif", "image/gif"),
    BMP("bmp", "image/bmp"),
    WEBP("webp", "image/webp"),
    /** Exactly 784 unsigned bytes, row-major, 0 = background, 255 = ink: an MNIST digit as is. */
    RAW_MNIST("mnist", "application/x-mnist");

    public static final int RAW_MNIST_LENGTH = 28 * 28;

    private final String shortName;
    private final String contentType;

    ImageFormat(String shortName, String contentType) {
        this.shortName = shortName;
        this.contentType = contentType;
    }

    public String shortName() {
        return shortName;
    }

    public String contentType() {
        return contentType;
    }

    /**
     * Recognises the format from the bytes. A known image signature wins over the length, so a
     * 784-byte PNG is a PNG; any other 784 bytes are a raw MNIST digit.
     */
    public static Optional<ImageFormat> sniff(byte[] bytes) {
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) {
            return Optional.of(PNG);
        }
        if (startsWith(bytes, 0xff, 0xd8, 0xff)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, 'G', 'I', 'F', '8', '7', 'a') || startsWith(bytes, 'G', 'I', 'F', '8', '9', 'a')) {
            return Optional.of(GIF);
        }
        if (startsWith(bytes, 'B', 'M') && bytes.length >= 26) {
            return Optional.of(BMP);
        }
        if (bytes.length >= 12 && startsWith(bytes, 'R', 'I', 'F', 'F')
                && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B' && bytes[11] == 'P') {
            return Optional.of(WEBP);
        }
        if (bytes.length == RAW_MNIST_LENGTH) {
            return Optional.of(RAW_MNIST);
        }
        return Optional.empty();
    }

    /**
     * What bytes that no accepted format recognises are, when they are a format people send by mistake, so that the refusal
     * can say what to send instead: an iPhone's HEIC photo, AVIF, TIFF (scanners), PDF, SVG.
     */
    public static Optional<String> unreadKind(byte[] bytes) {
        // ISO media files (HEIF, AVIF) begin with a box size, then "ftyp" and the major brand.
        if (bytes.length >= 12 && bytes[4] == 'f' && bytes[5] == 't' && bytes[6] == 'y' && bytes[7] == 'p') {
            String brand = new String(bytes, 8, 4, StandardCharsets.US_ASCII);
            if (brand.startsWith("avi")) {
                return Optional.of("an AVIF image");
            }
            if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")) {
                return Optional.of("a HEIC photo (an iPhone's own format; it can share photos as JPEG)");
            }
            return Optional.empty();
        }
        if (startsWith(bytes, 'I', 'I', 42, 0) || startsWith(bytes, 'M', 'M', 0, 42)) {
            return Optional.of("a TIFF image");
        }
        if (startsWith(bytes, '%', 'P', 'D', 'F')) {
            return Optional.of("a PDF document");
        }
        String start = new String(bytes, 0, Math.min(bytes.length, 256), StandardCharsets.ISO_8859_1);
        start = (start.startsWith("\u00ef\u00bb\u00bf") ? start.substring(3) : start).stripLeading(); // a UTF-8 byte order mark
        if (start.startsWith("<svg") || (start.startsWith("<?xml") || start.startsWith("<!DOCTYPE svg")) && start.contains("<svg")) {
            return Optional.of("an SVG drawing");
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] bytes, int... signature) {
        if (bytes.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((bytes[i] & 0xff) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
