package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DigitPreprocessorPixelsTest {
    /** The blend over white paper as it was written before opaque pixels skipped it. */
    private static float blendOverWhite(int argb) {
        int alpha = argb >>> 24;
        double luminance = 0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff);
        return (float) (luminance * alpha / 255.0 + 255.0 * (255 - alpha) / 255.0);
    }

    @Test
    void everyOpaqueColourReadsAsTheBlendWouldToTheLastBit() {
        int differing = 0;
        for (int rgb = 0; rgb < 1 << 24; rgb++) {
            int argb = 0xff000000 | rgb;
            if (Float.floatToRawIntBits(DigitPreprocessor.grayOverWhite(argb)) != Float.floatToRawIntBits(blendOverWhite(argb))) {
                differing++;
            }
        }
        assertThat(differing).isZero();
    }

    @Test
    void partlyTransparentPixelsAreSeenOverWhitePaper() {
        assertThat(DigitPreprocessor.grayOverWhite(0x00000000)).isEqualTo(255f); // no ink at all: the paper
        assertThat(DigitPreprocessor.grayOverWhite(0x80000000)).isEqualTo(blendOverWhite(0x80000000)).isBetween(127f, 128f);
        assertThat(DigitPreprocessor.grayOverWhite(0xff000000)).isZero();
        assertThat(DigitPreprocessor.grayOverWhite(0xffffffff)).isEqualTo(255f);
    }
}
