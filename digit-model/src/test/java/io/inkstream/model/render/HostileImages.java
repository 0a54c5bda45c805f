package io.inkstream.model.render;

import io.inkstream.mnist.DigitRenderer;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A corpus of hostile files, made on the spot (nothing downloaded): decompression bombs,
 * truncated and malformed images of every accepted format, huge claimed dimensions, polyglots and
 * impostors. Each must end as a clear refusal (at the gateway) or a dead letter (at the
 * classifier), never as a crash, a hang or a lost neighbour.
 */
public final class HostileImages {
    private HostileImages() {
    }

    /** Name to bytes, in a stable order. */
    public static Map<String, byte[]> corpus() {
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        BufferedImage blank = blank(64, 64);
        byte[] png = DigitRenderer.png(blank);
        byte[] jpeg = DigitRenderer.jpeg(blank, 0.8f);
        byte[] gif = DigitRenderer.gif(blank);
        byte[] bmp = DigitRenderer.bmp(blank);

        // Decompression bombs: tiny files that claim or really hold huge pixel counts.
        corpus.put("png-claims-100000x100000", CraftedImages.pngClaiming(100_000, 100_000));
        corpus.put("png-claims-2147483647x1", CraftedImages.pngClaiming(Integer.MAX_VALUE, 1));
        corpus.put("png-4096x4096-blank-bomb", DigitRenderer.png(blank(4096, 4096)));
        corpus.put("gif-claims-65535x65535", gifClaiming(65_535, 65_535));
        corpus.put("bmp-claims-30000x30000", bmpClaiming(30_000, 30_000));
        corpus.put("bmp-claims-negative-size", bmpClaiming(-64, -2_000_000_000));
        corpus.put("bmp-embedding-jpeg-claiming-60000x60000", bmpEmbeddingJpegClaiming(60_000, 60_000));
        // Not the pixels but the times they are drawn: 29,000 empty scans, about 10 minutes of libjpeg's time undefended.
        corpus.put("jpeg-4096x4096-29000-empty-scans-bomb", CraftedImages.progressiveJpegOfEmptyScans(4096, 29_000));

        // Truncated: the header survives, the pixels do not.
        corpus.put("png-truncated", Arrays.copyOf(png, png.length / 2));
        corpus.put("jpeg-truncated", Arrays.copyOf(jpeg, jpeg.length / 2));
        corpus.put("gif-truncated", Arrays.copyOf(gif, gif.length / 2));
        corpus.put("bmp-truncated", Arrays.copyOf(bmp, bmp.length / 2));
        corpus.put("png-signature-only", Arrays.copyOf(png, 8));
        corpus.put("jpeg-soi-only", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});
        corpus.put("webp-riff-header-only", "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1));

        // Malformed: right signature, garbage where the structure should be.
        corpus.put("png-garbage-after-signature", withGarbage(png, 8, 7));
        corpus.put("jpeg-garbage-after-soi", withGarbage(jpeg, 3, 11));
        corpus.put("gif-garbage-after-header", withGarbage(gif, 6, 13));
        corpus.put("bmp-garbage-after-magic", withGarbage(bmp, 2, 17));
        corpus.put("png-corrupt-idat", corruptMiddle(png));
        corpus.put("jpeg-corrupt-scan", corruptMiddle(jpeg));

        // Polyglots and impostors.
        corpus.put("gif-javascript-polyglot", "GIF89a/*\0\0*/=1;alert(document.domain)//".getBytes(StandardCharsets.ISO_8859_1));
        corpus.put("png-with-zip-appended-blank", concat(png, "PK\u0003\u0004zip-payload-here".getBytes(StandardCharsets.ISO_8859_1)));
        corpus.put("html-named-png", "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8));
        corpus.put("svg-image", "<svg xmlns='http://www.w3.org/2000/svg'><text>7</text></svg>".getBytes(StandardCharsets.UTF_8));
        corpus.put("pdf-document", "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".getBytes(StandardCharsets.ISO_8859_1));
        corpus.put("one-byte", new byte[] {0x42});
        corpus.put("raw-784-blank", new byte[784]);
        corpus.put("raw-783-bytes", filled(783, (byte) 0x80));
        corpus.put("raw-785-bytes", filled(785, (byte) 0x80));
        return corpus;
    }

    private static BufferedImage blank(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] white = filled(width * height, (byte) 0xff);
        image.getRaster().setDataElements(0, 0, width, height, white);
        return image;
    }

    /** A GIF whose logical screen and image descriptor claim the given size, with one tiny LZW block. */
    static byte[] gifClaiming(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) width).putShort((short) height).put((byte) 0).put((byte) 0).put((byte) 0);
        b.put((byte) 0x2c).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height).put((byte) 0);
        b.put((byte) 2).put((byte) 2).put((byte) 0x4c).put((byte) 0x01).put((byte) 0).put((byte) 0x3b);
        return Arrays.copyOf(b.array(), b.position());
    }

    /** A BMP header (BITMAPINFOHEADER, 24 bit) claiming the given size, followed by a few pixels only. */
    static byte[] bmpClaiming(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(54 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(54 + 16).putInt(0).putInt(54);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0).putInt(16).putInt(2835).putInt(2835)
                .putInt(0).putInt(0);
        return b.array();
    }

    /**
     * A 40 x 40 BMP whose pixels are an embedded JPEG (BI_JPEG) claiming the given size: the BMP
     * header passes any size check, the JPEG inside does not (found by the preprocessing fuzzer).
     */
    static byte[] bmpEmbeddingJpegClaiming(int width, int height) {
        byte[] jpeg = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xc0, 0, 11, 8, (byte) (height >> 8), (byte) height, (byte) (width >> 8),
                (byte) width, 1, 1, 0x11, 0, (byte) 0xff, (byte) 0xd9};
        ByteBuffer b = ByteBuffer.allocate(54 + jpeg.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(54 + jpeg.length).putInt(0).putInt(54);
        b.putInt(40).putInt(40).putInt(40).putShort((short) 1).putShort((short) 0).putInt(4).putInt(jpeg.length).putInt(2835).putInt(2835)
                .putInt(0).putInt(0);
        b.put(jpeg);
        return b.array();
    }

    private static byte[] withGarbage(byte[] image, int keep, long seed) {
        byte[] result = image.clone();
        java.util.Random random = new java.util.Random(seed);
        for (int i = keep; i < result.length; i++) {
            result[i] = (byte) random.nextInt(256);
        }
        return result;
    }

    private static byte[] corruptMiddle(byte[] image) {
        byte[] result = image.clone();
        for (int i = result.length / 3; i < 2 * result.length / 3; i++) {
            result[i] = (byte) (result[i] ^ 0x5a);
        }
        return result;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
