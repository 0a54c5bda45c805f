package io.inkstream.model.render;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/** Hand-made hostile files for tests, benchmarks and the hostile corpus: valid enough to get past a signature check. */
public final class CraftedImages {
    private CraftedImages() {
    }

    /** A syntactically valid PNG whose IHDR claims the given size: 8-bit gray, one empty IDAT, under 100 bytes. */
    public static byte[] pngClaiming(int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(out);
            data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream header = new DataOutputStream(ihdr);
            header.writeInt(width);
            header.writeInt(height);
            header.write(new byte[] {8, 0, 0, 0, 0});
            chunk(data, "IHDR", ihdr.toByteArray());
            chunk(data, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
            chunk(data, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
    }

    private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(body.length);
        out.write(typeBytes);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(body);
        out.writeInt((int) crc.getValue());
    }

    /**
     * A progressive gray JPEG of {@code side} x {@code side} white pixels whose DC scan is followed by {@code scans}
     * scans of the AC coefficients that say nothing: each is a run of empty blocks (EOB runs of up to 32,767), about 27
     * bytes for a 4096 x 4096 picture. A decoder goes over every block for every scan all the same.
     */
    public static byte[] progressiveJpegOfEmptyScans(int side, int scans) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xff);
        out.write(0xd8);
        byte[] quantisation = new byte[65]; // table 0, 8-bit, every step 1
        Arrays.fill(quantisation, 1, 65, (byte) 1);
        quantisation[0] = 0;
        segment(out, 0xdb, quantisation);
        segment(out, 0xc2, new byte[] {8, (byte) (side >> 8), (byte) side, (byte) (side >> 8), (byte) side, 1, 1, 0x11, 0});
        segment(out, 0xc4, huffmanTableOfOneCode(0x00, 0)); // DC table 0: "0" means no change from the last block
        segment(out, 0xc4, huffmanTableOfOneCode(0x10, 0xe0)); // AC table 0: "0" means a run of 2^14 + 14 bits of blocks
        long blocks = (long) ((side + 7) / 8) * ((side + 7) / 8);
        segment(out, 0xda, new byte[] {1, 1, 0x00, 0, 0, 0}); // the DC scan, every block gray
        Bits dc = new Bits(out);
        for (long i = 0; i < blocks; i++) {
            dc.put(0, 1);
        }
        dc.flush();
        for (int s = 0; s < scans; s++) {
            segment(out, 0xda, new byte[] {1, 1, 0x00, 1, 63, 0}); // coefficients 1 to 63, first pass
            Bits ac = new Bits(out);
            for (long left = blocks; left > 0; left -= 32_767) {
                long run = Math.max(16_384, Math.min(32_767, left));
                ac.put(0, 1);
                ac.put((int) (run - 16_384), 14);
            }
            ac.flush();
        }
        out.write(0xff);
        out.write(0xd9);
        return out.toByteArray();
    }

    private static byte[] huffmanTableOfOneCode(int tableClassAndId, int symbol) {
        byte[] table = new byte[1 + 16 + 1];
        table[0] = (byte) tableClassAndId;
        table[1] = 1; // one code of length 1
        table[17] = (byte) symbol;
        return table;
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] body) {
        int length = body.length + 2;
        out.write(0xff);
        out.write(marker);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.write(body, 0, body.length);
    }

    /** Entropy-coded bits, most significant first, a 0x00 stuffed after every 0xff, the last byte padded with ones. */
    private static final class Bits {
        private final ByteArrayOutputStream out;
        private int pending;
        private int count;

        Bits(ByteArrayOutputStream out) {
            this.out = out;
        }

        void put(int value, int length) {
            for (int i = length - 1; i >= 0; i--) {
                pending = pending << 1 | (value >> i & 1);
                if (++count == 8) {
                    out.write(pending);
                    if (pending == 0xff) {
                        out.write(0);
                    }
                    pending = 0;
                    count = 0;
                }
            }
        }

        void flush() {
            while (count != 0) {
                put(1, 1);
            }
        }
    }
}
