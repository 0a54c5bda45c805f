package io.inkstream.classifier.batching;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An accepted image waiting in the batch buffer: the original record, so that it can be
 * re-preprocessed after a restore, or dead-lettered unchanged if classifying it fails.
 */
public record PendingImage(byte[] key, byte[] value, Header[] headers, long timestamp) {

    public org.apache.kafka.common.header.Headers recordHeaders() {
        return new RecordHeaders(headers);
    }

    /**
     * The buffer's serde. Reading never throws: an entry that is not one this class wrote (a
     * corrupt or forged changelog record) reads as null, which the buffer drops with a log line, so
     * no record can stop a restore.
     */
    public static Serde<PendingImage> serde() {
        Serializer<PendingImage> serializer = (topic, image) -> image == null ? null : write(image);
        Deserializer<PendingImage> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return read(bytes);
            } catch (CorruptEntryException e) {
                return null;
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    /** A buffer entry that is not one {@link #write} made. */
    static final class CorruptEntryException extends Exception {
        CorruptEntryException(String message) {
            super(message);
        }
    }

    static byte[] write(PendingImage image) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(image.value().length + 128);
            DataOutputStream out = new DataOutputStream(buffer);
            writeBytes(out, image.key());
            writeBytes(out, image.value());
            out.writeLong(image.timestamp());
            out.writeInt(image.headers().length);
            for (Header header : image.headers()) {
                out.writeUTF(header.key());
                writeBytes(out, header.value());
            }
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads an entry with memory bounded by its own length: every length and count is checked
     * against the bytes that remain before anything is allocated, and nothing may follow the last
     * header.
     */
    static PendingImage read(byte[] bytes) throws CorruptEntryException {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            if (key == null || value == null) {
                // Only images with an id and bytes are buffered (the processor dead-letters the others).
                throw new CorruptEntryException("an entry without " + (key == null ? "a key" : "a value"));
            }
            long timestamp = in.readLong();
            int count = in.readInt();
            // A header takes at least 6 bytes (a 2-byte key length and a 4-byte value length).
            if (count < 0 || count > in.available() / 6) {
                throw new CorruptEntryException("header count " + count + " with " + in.available() + " bytes left");
            }
            Header[] headers = new Header[count];
            for (int i = 0; i < headers.length; i++) {
                headers[i] = new RecordHeader(in.readUTF(), readBytes(in));
            }
            if (in.available() > 0) {
                throw new CorruptEntryException(in.available() + " bytes after the last header");
            }
            return new PendingImage(key, value, headers, timestamp);
        } catch (IOException e) {
            // EOFException: a length or count past the end; UTFDataFormatException: a header key that is not modified UTF-8.
            throw new CorruptEntryException("not a buffer entry: " + e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException, CorruptEntryException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < -1 || length > in.available()) {
            throw new CorruptEntryException("a length of " + length + " with " + in.available() + " bytes left");
        }
        return in.readNBytes(length);
    }
}
