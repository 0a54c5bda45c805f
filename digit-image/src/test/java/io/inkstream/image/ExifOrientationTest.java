package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {
    /** SOI, then an APP0 JFIF segment as most encoders write it, then the scan header: no EXIF. */
    private static final byte[] PLAIN_JPEG_START = bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
            0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 0x3f, 0);

    /** The start of a JPEG whose EXIF says {@code orientation}, in either byte order, the tag after {@code before} other entries. */
    static byte[] jpegStartWithOrientation(int orientation, boolean littleEndian, int before) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        write(tiff, littleEndian ? bytes('I', 'I') : bytes('M', 'M'));
        write(tiff, u16(42, littleEndian));
        write(tiff, u32(8, littleEndian)); // IFD0 right after the header
        write(tiff, u16(before + 1, littleEndian));
        for (int i = 0; i < before; i++) { // e.g. Make, Model: tags below 274, ASCII, held elsewhere
            write(tiff, u16(0x010f + i, littleEndian));
            write(tiff, u16(2, littleEndian));
            write(tiff, u32(20, littleEndian));
            write(tiff, u32(200, littleEndian));
        }
        write(tiff, u16(0x0112, littleEndian));
        write(tiff, u16(3, littleEndian)); // SHORT
        write(tiff, u32(1, littleEndian));
        write(tiff, u16(orientation, littleEndian));
        write(tiff, u16(0, littleEndian));
        write(tiff, u32(0, littleEndian)); // no IFD1
        return withApp1(PLAIN_JPEG_START, tiff.toByteArray());
    }

    /** A JPEG with an APP1 "Exif" segment holding {@code tiff} put right after SOI, where cameras put it. */
    static byte[] withApp1(byte[] jpeg, byte[] tiff) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xff);
        out.write(0xd8);
        int length = 2 + 6 + tiff.length;
        write(out, bytes(0xff, 0xe1, length >> 8, length & 0xff, 'E', 'x', 'i', 'f', 0, 0));
        write(out, tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A PNG's start: signature, header chunk, an eXIf chunk holding {@code tiff} (before or after the image data), IEND. */
    static byte[] pngStartWithExif(byte[] tiff, boolean beforeImageData) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, bytes(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a));
        chunk(out, "IHDR", bytes(0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0));
        if (beforeImageData) {
            chunk(out, "eXIf", tiff);
        }
        chunk(out, "IDAT", bytes(0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1));
        if (!beforeImageData) {
            chunk(out, "eXIf", tiff);
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The TIFF structure inside {@link #jpegStartWithOrientation}'s APP1 segment. */
    static byte[] tiffWithOrientation(int orientation, boolean littleEndian, int before) {
        byte[] jpeg = jpegStartWithOrientation(orientation, littleEndian, before);
        int length = (jpeg[4] & 0xff) << 8 | jpeg[5] & 0xff;
        return Arrays.copyOfRange(jpeg, 2 + 2 + 2 + 6, 2 + 2 + length);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        write(out, u32(data.length, false));
        write(out, type.getBytes(StandardCharsets.US_ASCII));
        write(out, data);
        write(out, u32(0, false)); // the CRC: the reader does not check it, as browsers do not refuse the picture for it
    }

    @Test
    void readsAPngsExifChunkBeforeItsImageDataAndOnlyThere() {
        for (int value = 1; value <= 8; value++) {
            assertThat(ExifOrientation.of(pngStartWithExif(tiffWithOrientation(value, value % 2 == 0, value % 3), true), ImageFormat.PNG))
                    .as("orientation %d", value).isEqualTo(ExifOrientation.values()[value - 1]);
        }
        assertThat(ExifOrientation.of(pngStartWithExif(tiffWithOrientation(6, false, 0), false), ImageFormat.PNG))
                .as("an eXIf chunk after the image data").isEqualTo(ExifOrientation.AS_STORED);
        // Each format's own container only: a JPEG's segment is not looked for in a PNG, nor a PNG's chunk in a JPEG.
        assertThat(ExifOrientation.of(jpegStartWithOrientation(6, false, 0), ImageFormat.PNG)).isEqualTo(ExifOrientation.AS_STORED);
        assertThat(ExifOrientation.of(pngStartWithExif(tiffWithOrientation(6, false, 0), true), ImageFormat.JPEG))
                .isEqualTo(ExifOrientation.AS_STORED);
        assertThat(ExifOrientation.of(jpegStartWithOrientation(6, false, 0), ImageFormat.GIF)).isEqualTo(ExifOrientation.AS_STORED);
    }

    @Test
    void anyDamageToAPngsChunksReadsAsStoredAndNeverThrows() {
        byte[] tagged = pngStartWithExif(tiffWithOrientation(8, true, 1), true);
        assertThat(readsOfEveryDamage(tagged, ImageFormat.PNG, ExifOrientation.QUARTER_ANTICLOCKWISE)).isGreaterThan(tagged.length / 2);
    }

    @Test
    void readsEveryOrientationInBothByteOrdersWhereverTheEntryIsInIfd0() {
        for (int value = 1; value <= 8; value++) {
            for (boolean little : new boolean[] {true, false}) {
                for (int before : new int[] {0, 3}) {
                    assertThat(ExifOrientation.of(jpegStartWithOrientation(value, little, before), ImageFormat.JPEG))
                            .as("orientation %d, %s, after %d entries", value, little ? "II" : "MM", before)
                            .isEqualTo(ExifOrientation.values()[value - 1]);
                }
            }
        }
    }

    @Test
    void noExifOrAValueOutsideOneToEightIsAsStored() {
        assertThat(ExifOrientation.of(PLAIN_JPEG_START, ImageFormat.JPEG)).isEqualTo(ExifOrientation.AS_STORED);
        assertThat(ExifOrientation.of(jpegStartWithOrientation(0, true, 0), ImageFormat.JPEG)).isEqualTo(ExifOrientation.AS_STORED);
        assertThat(ExifOrientation.of(jpegStartWithOrientation(9, false, 0), ImageFormat.JPEG)).isEqualTo(ExifOrientation.AS_STORED);
        assertThat(ExifOrientation.of(jpegStartWithOrientation(0xffff, false, 2), ImageFormat.JPEG)).isEqualTo(ExifOrientation.AS_STORED);
        assertThat(ExifOrientation.of(new byte[0], ImageFormat.JPEG)).isEqualTo(ExifOrientation.AS_STORED);
        assertThat(ExifOrientation.of("not a jpeg at all".getBytes(), ImageFormat.JPEG)).isEqualTo(ExifOrientation.AS_STORED);
    }

    @Test
    void anExifSegmentAfterTheFirstScanIsNotMetadata() {
        byte[] tagged = jpegStartWithOrientation(6, true, 0);
        // The same APP1 bytes, but behind a scan: what a decoder would never read as this image's metadata.
        byte[] afterScan = new byte[PLAIN_JPEG_START.length + tagged.length - 2];
        System.arraycopy(PLAIN_JPEG_START, 0, afterScan, 0, PLAIN_JPEG_START.length);
        System.arraycopy(tagged, 2, afterScan, PLAIN_JPEG_START.length, tagged.length - 2);
        assertThat(ExifOrientation.of(afterScan, ImageFormat.JPEG)).isEqualTo(ExifOrientation.AS_STORED);
    }

    @Test
    void anyDamageToTheMetadataReadsAsStoredAndNeverThrows() {
        byte[] tagged = jpegStartWithOrientation(6, false, 2);
        // The control: the damage was seen, many mutations no longer read as the tag said.
        assertThat(readsOfEveryDamage(tagged, ImageFormat.JPEG, ExifOrientation.QUARTER_CLOCKWISE)).isGreaterThan(tagged.length);
    }

    /**
     * Every truncation and every byte set to each telling value (offsets, counts and lengths that point past the end, zero
     * lengths, loops): the reader must answer, with no exception, for every one. Returns how many no longer read as
     * {@code tagged} does.
     */
    private static int readsOfEveryDamage(byte[] tagged, ImageFormat format, ExifOrientation tag) {
        assertThat(ExifOrientation.of(tagged, format)).isEqualTo(tag);
        for (int length = 0; length <= tagged.length; length++) {
            byte[] cut = Arrays.copyOf(tagged, length);
            assertThatCode(() -> ExifOrientation.of(cut, format)).as("cut to %d bytes", length).doesNotThrowAnyException();
        }
        int changed = 0;
        for (int at = 0; at < tagged.length; at++) {
            for (int value : new int[] {0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff}) {
                byte[] mutated = tagged.clone();
                mutated[at] = (byte) value;
                changed += ExifOrientation.of(mutated, format) == tag ? 0 : 1;
            }
        }
        return changed;
    }

    @Test
    void viewsThePixelsTheWayEachTagSays() {
        // Stored 3 x 2:   a b c
        //                 d e f
        // Each orientation's view, as the EXIF specification draws where row 0 and column 0 go.
        float[] stored = {'a', 'b', 'c', 'd', 'e', 'f'};
        assertView(ExifOrientation.AS_STORED, stored, 3, "abc", "def");
        assertView(ExifOrientation.MIRRORED, stored, 3, "cba", "fed");
        assertView(ExifOrientation.UPSIDE_DOWN, stored, 3, "fed", "cba");
        assertView(ExifOrientation.FLIPPED, stored, 3, "def", "abc");
        assertView(ExifOrientation.TRANSPOSED, stored, 2, "ad", "be", "cf");
        assertView(ExifOrientation.QUARTER_CLOCKWISE, stored, 2, "da", "eb", "fc");
        assertView(ExifOrientation.TRANSVERSED, stored, 2, "fc", "eb", "da");
        assertView(ExifOrientation.QUARTER_ANTICLOCKWISE, stored, 2, "cf", "be", "ad");
    }

    private static void assertView(ExifOrientation orientation, float[] stored, int viewedWidth, String... rows) {
        ExifOrientation.Viewed viewed = orientation.view(stored, 3, 2);
        assertThat(viewed.width()).as("%s width", orientation).isEqualTo(viewedWidth);
        assertThat(viewed.height()).as("%s height", orientation).isEqualTo(rows.length);
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < viewed.values().length; i++) {
            seen.append(i > 0 && i % viewedWidth == 0 ? "/" : "").append((char) viewed.values()[i]);
        }
        assertThat(seen.toString()).as(orientation.name()).isEqualTo(String.join("/", rows));
    }

    private static byte[] u16(int value, boolean little) {
        return little ? bytes(value & 0xff, value >> 8 & 0xff) : bytes(value >> 8 & 0xff, value & 0xff);
    }

    private static byte[] u32(long value, boolean little) {
        byte[] high = u16((int) (value >> 16), little);
        byte[] low = u16((int) value & 0xffff, little);
        return little ? bytes(low[0], low[1], high[0], high[1]) : bytes(high[0], high[1], low[0], low[1]);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static void write(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes, 0, bytes.length);
    }
}
