package io.inkstream.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/** The buffer's changelog records are read back at every restore: any bytes there must read or be refused, cheaply. */
class PendingImageTest {
    private static final PendingImage IMAGE = new PendingImage("img-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3},
            new Header[] {new RecordHeader("label", "7".getBytes(StandardCharsets.UTF_8)), new RecordHeader("empty", null)}, 42L);

    @Test
    void anEntryReadsBackAsWritten() throws Exception {
        PendingImage read = PendingImage.read(PendingImage.write(IMAGE));
        assertThat(read.key()).isEqualTo(IMAGE.key());
        assertThat(read.value()).isEqualTo(IMAGE.value());
        assertThat(read.timestamp()).isEqualTo(42L);
        assertThat(read.headers()).extracting(Header::key).containsExactly("label", "empty");
        assertThat(read.headers()[0].value()).isEqualTo("7".getBytes(StandardCharsets.UTF_8));
        assertThat(read.headers()[1].value()).isNull();
    }

    @Test
    void aForgedHeaderCountIsRefusedBeforeAnythingIsAllocated() {
        byte[] bytes = PendingImage.write(IMAGE);
        int countAt = 4 + IMAGE.key().length + 4 + IMAGE.value().length + 8;
        ByteBuffer.wrap(bytes).putInt(countAt, Integer.MAX_VALUE); // an array of 2^31 headers, if believed
        assertThatThrownBy(() -> PendingImage.read(bytes))
                .isInstanceOf(PendingImage.CorruptEntryException.class)
                .hasMessageContaining("header count 2147483647");
    }

    @Test
    void aLengthPastTheEndOrBytesAfterTheLastHeaderAreRefused() {
        byte[] bytes = PendingImage.write(IMAGE);
        byte[] longKey = bytes.clone();
        ByteBuffer.wrap(longKey).putInt(0, 1 << 30);
        assertThatThrownBy(() -> PendingImage.read(longKey)).isInstanceOf(PendingImage.CorruptEntryException.class)
                .hasMessageContaining("a length of 1073741824");
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> PendingImage.read(trailing)).isInstanceOf(PendingImage.CorruptEntryException.class)
                .hasMessageContaining("1 bytes after the last header");
        assertThatThrownBy(() -> PendingImage.read(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(PendingImage.CorruptEntryException.class);
    }

    @Test
    void anEntryWithoutAValueIsRefused() {
        // Found by PendingImageFuzzTest: a value of length -1 read as null, and the restored image then had no bytes.
        byte[] bytes = PendingImage.write(IMAGE);
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length - IMAGE.value().length).put(bytes, 0, 4 + IMAGE.key().length).putInt(-1)
                .put(bytes, 4 + IMAGE.key().length + 4 + IMAGE.value().length, bytes.length - (4 + IMAGE.key().length + 4 + IMAGE.value().length));
        assertThatThrownBy(() -> PendingImage.read(buffer.array())).isInstanceOf(PendingImage.CorruptEntryException.class)
                .hasMessageContaining("an entry without a value");
    }

    @Test
    void theSerdeReadsACorruptEntryAsNullSoThatTheBufferDropsItInsteadOfFailingTheRestore() {
        assertThat(PendingImage.serde().deserializer().deserialize("changelog", new byte[] {0, 0, 0, 9})).isNull();
        assertThat(PendingImage.serde().deserializer().deserialize("changelog", PendingImage.write(IMAGE)).key()).isEqualTo(IMAGE.key());
    }
}
