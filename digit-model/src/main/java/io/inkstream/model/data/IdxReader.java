package io.inkstream.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST's IDX files, plain or gzip-compressed (detected from the bytes, not the name).
 * Everything is validated before it is trusted: magic number, dimensions, and the exact amount
 * of data, so a wrong or truncated file gives an {@link IdxFormatException} naming the problem.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    private static final int MAX_SIDE = 1 << 16;

    private IdxReader() {
    }

    public static DigitImages readImages(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readImages(in, file.toString());
        }
    }

    public static byte[] readLabels(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readLabels(in, file.toString());
        }
    }

    public static DigitImages readImages(InputStream raw, String source) throws IOException {
        DataInputStream in = open(raw);
        int magic = header(in, source, "magic number");
        if (magic != IMAGES_MAGIC) {
            throw new IdxFormatException(source + ": not an IDX image file (magic number 0x" + hex(magic)
                    + ", expected 0x" + hex(IMAGES_MAGIC) + ")");
        }
        int count = dimension(in, source, "image count", 0, Integer.MAX_VALUE);
        int rows = dimension(in, source, "row count", 1, MAX_SIDE);
        int columns = dimension(in, source, "column count", 1, MAX_SIDE);
        long total = (long) count * rows * columns;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IdxFormatException(source + ": " + count + " images of " + rows + " x " + columns + " is too much data for one array");
        }
        byte[] pixels = body(in, (int) total, source, "pixels");
        return new DigitImages(pixels, count, rows, columns);
    }

    public static byte[] readLabels(InputStream raw, String source) throws IOException {
        DataInputStream in = open(raw);
        int magic = header(in, source, "magic number");
        if (magic != LABELS_MAGIC) {
            throw new IdxFormatException(source + ": not an IDX label file (magic number 0x" + hex(magic)
                    + ", expected 0x" + hex(LABELS_MAGIC) + ")");
        }
        int count = dimension(in, source, "label count", 0, Integer.MAX_VALUE - 16);
        byte[] labels = body(in, count, source, "labels");
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 9) {
                throw new IdxFormatException(source + ": label " + i + " is " + labels[i] + ", not a digit 0-9");
            }
        }
        return labels;
    }

    private static DataInputStream open(InputStream raw) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        boolean gzip = first == 0x1f && second == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16) : buffered);
    }

    private static int header(DataInputStream in, String source, String field) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(source + ": truncated header, no " + field);
        }
    }

    private static int dimension(DataInputStream in, String source, String field, int min, int max) throws IOException {
        int value = header(in, source, field);
        if (value < min || value > max) {
            throw new IdxFormatException(source + ": " + field + " " + value + " is out of range " + min + ".." + max);
        }
        return value;
    }

    private static byte[] body(DataInputStream in, int length, String source, String what) throws IOException {
        // readNBytes grows its buffer as data arrives: a header that lies about the size costs nothing.
        byte[] data = in.readNBytes(length);
        if (data.length < length) {
            throw new IdxFormatException(source + ": truncated, expected " + length + " bytes of " + what + ", found " + data.length);
        }
        if (in.read() != -1) {
            throw new IdxFormatException(source + ": more data than the header announces (" + length + " bytes of " + what + ")");
        }
        return data;
    }

    private static String hex(int value) {
        return String.format("%08x", value);
    }
}
