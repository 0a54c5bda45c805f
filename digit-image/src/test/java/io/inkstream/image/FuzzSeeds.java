package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The preprocessing's fuzz seeds, real files of every format and variant, which other tests read too. */
final class FuzzSeeds {
    private static final String DIRECTORY = "DigitPreprocessorFuzzTestInputs/refusesOrNormalisesAnyInput/";

    private FuzzSeeds() {
    }

    static byte[] read(String name) {
        try (InputStream in = FuzzSeeds.class.getResourceAsStream(DIRECTORY + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
