package io.inkstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path temp;

    @Test
    void readsTheBundledTrainingSetAndSplitsItFiftyThousandToTenThousand() {
        BundledMnist.Split split = BundledMnist.split();
        assertThat(split.training().size()).isEqualTo(50_000);
        assertThat(split.validation().size()).isEqualTo(10_000);
        assertThat(split.training().images().rows()).isEqualTo(28);
        assertThat(split.training().images().columns()).isEqualTo(28);
        // The first training digit of MNIST is a 5, the first held-out one (index 50,000) a 3.
        assertThat(split.training().label(0)).isEqualTo(5);
        assertThat(split.validation().label(0)).isEqualTo(3);
    }

    @Test
    void readsPlainAndGzipFilesAlike() throws IOException {
        byte[] images = imagesFile(2, 3, 4, 24);
        Path plain = Files.write(temp.resolve("images.idx"), images);
        Path gzip = Files.write(temp.resolve("images.idx.gz"), gzip(images));

        DigitImages fromPlain = IdxReader.readImages(plain);
        DigitImages fromGzip = IdxReader.readImages(gzip);

        assertThat(fromPlain.count()).isEqualTo(2);
        assertThat(fromPlain.rows()).isEqualTo(3);
        assertThat(fromPlain.columns()).isEqualTo(4);
        assertThat(fromGzip.pixels()).isEqualTo(fromPlain.pixels());
    }

    @Test
    void refusesAWrongMagicNumber() {
        byte[] labels = labelsFile(new byte[] {1, 2, 3});
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(labels), "labels-as-images"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("labels-as-images: not an IDX image file (magic number 0x00000801");
    }

    @Test
    void refusesATruncatedFileWithTheMissingAmount() {
        byte[] images = imagesFile(10, 28, 28, 10 * 784);
        byte[] truncated = Arrays.copyOf(images, images.length - 100);
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(truncated), "short.idx"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("short.idx: truncated, expected 7840 bytes of pixels, found 7740");
    }

    @Test
    void refusesATruncatedGzip() throws IOException {
        byte[] gz = gzip(imagesFile(10, 28, 28, 10 * 784));
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(truncated), "cut.gz"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void refusesAHeaderWithNoRoomForItsFields() {
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(new byte[] {0, 0, 8, 3, 0, 0}), "tiny"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("truncated header, no image count");
    }

    @Test
    void refusesNegativeOrZeroDimensions() {
        byte[] zeroRows = imagesFile(1, 0, 28, 0);
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(zeroRows), "flat"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("row count 0 is out of range");
    }

    @Test
    void refusesAHeaderThatClaimsFarMoreDataThanTheFileHolds() {
        // Claims two billion labels in a 20-byte file: refused as truncated, without allocating 2 GB.
        byte[] liar = labelsFile(new byte[12]);
        liar[4] = 0x77;
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(liar), "liar"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesTrailingDataAndLabelsThatAreNotDigits() {
        byte[] longer = Arrays.copyOf(labelsFile(new byte[] {1, 2}), 12);
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(longer), "long"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("more data than the header announces");
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(labelsFile(new byte[] {4, 12})), "odd"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("label 1 is 12, not a digit 0-9");
    }

    @Test
    void refusesImagesAndLabelsThatDoNotBelongTogether() throws IOException {
        Path images = Files.write(temp.resolve("i.idx"), imagesFile(3, 28, 28, 3 * 784));
        Path labels = Files.write(temp.resolve("l.idx"), labelsFile(new byte[] {1, 2}));
        assertThatThrownBy(() -> LabelledDigits.read(images, labels))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("has 3 images but")
                .hasMessageContaining("has 2 labels");
    }

    private static byte[] imagesFile(int count, int rows, int columns, int pixelBytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(IdxReader.IMAGES_MAGIC);
            data.writeInt(count);
            data.writeInt(rows);
            data.writeInt(columns);
            for (int i = 0; i < pixelBytes; i++) {
                data.writeByte(i % 256);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] labelsFile(byte[] labels) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(IdxReader.LABELS_MAGIC);
            data.writeInt(labels.length);
            data.write(labels);
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
