package io.inkstream.model.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.RejectionReason;
import io.inkstream.model.render.HostileImages;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every file of the hostile corpus is refused with a typed reason: no other exception, no hang. */
class HostileImagesTest {
    private final DigitPreprocessor preprocessor = new DigitPreprocessor();

    @Test
    @Timeout(60)
    void everyHostileFileIsRefusedWithAReasonByTheFullPreprocessing() {
        for (Map.Entry<String, byte[]> file : HostileImages.corpus().entrySet()) {
            try {
                preprocessor.preprocess(file.getValue());
                throw new AssertionError(file.getKey() + " was accepted");
            } catch (ImageRejectedException e) {
                assertThat(e.getMessage()).as(file.getKey()).isNotBlank();
                assertThat(e.reason()).as(file.getKey()).isNotNull();
            }
        }
    }

    /** Found by DigitPreprocessorFuzzTest: a 489-byte BMP whose embedded JPEG ran the heap out while decoding. */
    @Test
    @Timeout(30)
    void refusesABmpWithAnEmbeddedJpegBeforeDecodingIt() {
        byte[] bomb = HostileImages.corpus().get("bmp-embedding-jpeg-claiming-60000x60000");
        try {
            preprocessor.preprocess(bomb);
            throw new AssertionError("accepted");
        } catch (ImageRejectedException e) {
            assertThat(e.reason()).isEqualTo(RejectionReason.UNDECODABLE);
            assertThat(e.getMessage()).contains("embedded JPEG or PNG");
        }
    }

    @Test
    void theCorpusCoversEveryAcceptedFormatAndTheBombs() {
        assertThat(HostileImages.corpus().keySet())
                .anyMatch(name -> name.startsWith("png-")).anyMatch(name -> name.startsWith("jpeg-"))
                .anyMatch(name -> name.startsWith("gif-")).anyMatch(name -> name.startsWith("bmp-"))
                .anyMatch(name -> name.startsWith("webp-")).anyMatch(name -> name.startsWith("raw-"))
                .anyMatch(name -> name.contains("bomb")).anyMatch(name -> name.contains("polyglot"));
    }
}
