package io.inkstream.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import javax.imageio.IIOException;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An upload's bytes as the decoders read them: held in memory (ImageIO's default stream caches in a file, one system call
 * for every read past the end: the 574-byte WebP below took 3.6 s), a WebP followed by the zeros its bit reader looks ahead
 * into, and a decoder that keeps reading at the end of the data stopped with an error.
 *
 * <p>TwelveMonkeys' WebP bit reader refills its 64-bit buffer a byte at a time, ahead of the symbols it decodes, and takes
 * the end of the stream for "no more bits yet": it catches the {@code EOFException}, and once one refill has failed
 * every later read refills again, even a symbol of no bits (a Huffman code with one symbol). A whole, valid lossless WebP
 * therefore met the end of its data 4-228 times for a digit, 350,050 times for a plain 1000 x 700 page from
 * {@code cwebp -lossless -z 0} (40 bytes, 0.3 s; 38 bytes of a 4096 x 4096 one, 7 s), and a plain 1 x 1 or 64 x 64 one
 * from {@code -z 9} could not be read at all (a refill's first read takes a whole long). With {@link #WEBP_READ_AHEAD}
 * zeros after the data none of these meets the end; the zeros are never decoded into a pixel, only looked ahead into.
 *
 * <p>A WebP whose data ends before its pixels still reads past the zeros, once for every symbol: a 574-byte one of
 * 40 x 1024 (found by DigitPreprocessorFuzzTest) threw and caught 158,000 exceptions, 0.13-0.45 s an upload. After
 * {@link #ALLOWED_ENDS} such reads the stream answers with an {@link IIOException}, not an {@code EOFException}, so
 * the decoder does not take it for the end of its data: the decoding stops and the upload is refused as undecodable.
 * The other formats' decoders meet the end at most once (the JDK's JPEG reader, for a truncated file, then ends the
 * picture itself), so they are read as they are.
 */
final class DecoderInput extends MemoryCacheImageInputStream {
    /** What TwelveMonkeys' WebP bit reader reads ahead of the bits it has decoded: one long. */
    static final int WEBP_READ_AHEAD = Long.BYTES;

    /** Reads that may find the end of the data before the decoding is stopped. */
    static final int ALLOWED_ENDS = 64;

    private int ends;

    /** @param padding zeros read after the bytes, before the end */
    DecoderInput(byte[] bytes, int padding) {
        super(new SequenceInputStream(new ByteArrayInputStream(bytes), new ByteArrayInputStream(new byte[padding])));
    }

    static DecoderInput of(byte[] bytes, ImageFormat format) {
        return new DecoderInput(bytes, format == ImageFormat.WEBP ? WEBP_READ_AHEAD : 0);
    }

    /** Reads so far that found the end of the data. */
    int ends() {
        return ends;
    }

    @Override
    public int read() throws IOException {
        return counted(super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return counted(super.read(b, off, len));
    }

    private int counted(int result) throws IIOException {
        if (result < 0 && ++ends > ALLOWED_ENDS) {
            throw new IIOException(
                    "its data ends before its pixels (the decoder read on past the end " + ALLOWED_ENDS + " times)");
        }
        return result;
    }
}
