package io.inkstream.image.rejection;

import java.util.Locale;

/** An image refused before or after decoding, with the facts that explain why. */
public sealed interface ImageRejection {

    RejectionReason reason();

    /** One sentence for a person: what was wrong and, where it helps, the limit. */
    String message();

    /** A record on the images topic without a key: every image needs an id. */
    record MissingId() implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.MISSING_ID;
        }

        @Override
        public String message() {
            return "the record has no key: the key is the image id";
        }
    }

    /** A record on the images topic whose key is not an image id (UTF-8 text of 1 to 256 characters). */
    record InvalidId(String why) implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.INVALID_ID;
        }

        @Override
        public String message() {
            return why;
        }
    }

    /** A record on the images topic whose headers are more than a prediction, a dead letter or the buffer should carry. */
    record HeadersTooLarge(long bytes, long maxBytes) implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.HEADERS_TOO_LARGE;
        }

        @Override
        public String message() {
            return String.format(Locale.ROOT, "the record's headers have %d bytes, more than the limit of %d", bytes, maxBytes);
        }
    }

    record Empty() implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.EMPTY;
        }

        @Override
        public String message() {
            return "the image is empty (0 bytes)";
        }
    }

    /** What a person does about a picture too large: the preprocessing reads at most about 512 px a side of it. */
    String SCALE_IT_DOWN = "; scale it down: a digit needs no more than 1,000 pixels a side";

    record TooLarge(long bytes, long maxBytes) implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.TOO_LARGE;
        }

        @Override
        public String message() {
            // A reader that stops one byte past the limit (the gateway, the CLI) knows only that there was more.
            return (bytes == maxBytes + 1
                    ? String.format(Locale.ROOT, "the image has more than the limit of %d bytes", maxBytes)
                    : String.format(Locale.ROOT, "the image has %d bytes, more than the limit of %d", bytes, maxBytes)) + SCALE_IT_DOWN;
        }
    }

    /**
     * @param leadingBytes the first bytes in hex, to tell a person what was actually sent
     * @param length       how many bytes were sent
     * @param knownAs      what the bytes are when their signature is a format people send that is not read here
     *                     ("a HEIC photo", "a PDF document"), or empty
     */
    record UnknownFormat(String leadingBytes, int length, String knownAs) implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.UNKNOWN_FORMAT;
        }

        @Override
        public String message() {
            String what = knownAs.isEmpty() ? "not a PNG, JPEG, GIF, BMP or WebP image, nor 784 raw MNIST bytes"
                    : knownAs + " is not read here: send it as PNG, JPEG, GIF, BMP or WebP";
            return what + " (" + length + " bytes starting " + leadingBytes + ")";
        }
    }

    record DimensionsTooLarge(String format, int width, int height, int maxWidth, int maxHeight) implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.DIMENSIONS_TOO_LARGE;
        }

        @Override
        public String message() {
            return String.format(Locale.ROOT, "the %s header claims %d x %d pixels, more than the limit of %d x %d",
                    format, width, height, maxWidth, maxHeight) + SCALE_IT_DOWN;
        }
    }

    /**
     * A JPEG of more scans than anything an encoder writes: its decoder would draw the picture after each.
     *
     * @param scans    the scans the file holds
     * @param maxScans the most that is decoded
     */
    record TooManyScans(int scans, int maxScans) implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.TOO_MANY_SCANS;
        }

        @Override
        public String message() {
            return String.format(Locale.ROOT, "the JPEG has %d scans, more than the limit of %d (encoders write up to 10)", scans, maxScans);
        }
    }

    record Undecodable(String format, String cause) implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.UNDECODABLE;
        }

        @Override
        public String message() {
            return "the " + format + " image cannot be decoded: " + cause;
        }
    }

    record NoInk(int width, int height) implements ImageRejection {
        @Override
        public RejectionReason reason() {
            return RejectionReason.NO_INK;
        }

        @Override
        public String message() {
            return "the " + width + " x " + height + " image has no ink: nothing written stands out from its background (a page's"
                    + " ruling, squares or a form's printed lines are not writing)";
        }
    }
}
