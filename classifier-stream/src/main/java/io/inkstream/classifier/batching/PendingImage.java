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

    public static Serde<PendingImage> serde() {
        Serializer<PendingImage> serializer = (topic, image) -> image == null ? null : write(image);
        Deserializer<PendingImage> deserializer = (topic, bytes) -> bytes == null ? null : read(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
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

    static PendingImage read(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            long timestamp = in.readLong();
            Header[] headers = new Header[in.readInt()];
            for (int i = 0; i < headers.length; i++) {
                headers[i] = new RecordHeader(in.readUTF(), readBytes(in));
            }
            return new PendingImage(key, value, headers, timestamp);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt buffer entry", e);
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

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : in.readNBytes(length);
    }
}
