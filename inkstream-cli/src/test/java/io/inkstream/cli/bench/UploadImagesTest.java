package io.inkstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.ImageFormat;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class UploadImagesTest {
    private final LabelledDigits digits = BundledMnist.validation();

    @Test
    void rawUploadsAreTheDigitsBytesWithTheirLabels() {
        UploadDriver.Upload upload = UploadImages.RAW.uploads(digits).apply(7);
        assertThat(upload.contentType()).isEqualTo("application/x-mnist");
        assertThat(upload.body()).isEqualTo(digits.images().imageBytes(7));
        assertThat(upload.pathAndQuery()).isEqualTo("/api/images?label=" + digits.label(7));
    }

    @Test
    void drawingsArePngsOfTheCanvasSizeInColourWithAlphaThatPreprocessLikeAnUpload() throws Exception {
        IntFunction<UploadDriver.Upload> uploads = UploadImages.DRAWINGS.uploads(digits);
        UploadDriver.Upload first = uploads.apply(3);
        assertThat(first.contentType()).isEqualTo("image/png");
        assertThat(first.pathAndQuery()).isEqualTo("/api/images?label=" + digits.label(3));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(first.body()));
        assertThat(image.getWidth()).isEqualTo(280);
        assertThat(image.getHeight()).isEqualTo(280);
        assertThat(image.getColorModel().hasAlpha()).isTrue();
        assertThat(new DigitPreprocessor().preprocess(first.body()).format()).isEqualTo(ImageFormat.PNG);
        // Rendered once, then sent in turn.
        assertThat(uploads.apply(3 + 500).body()).isSameAs(first.body());
        assertThat(uploads.apply(4).body()).isNotEqualTo(first.body());
    }
}
