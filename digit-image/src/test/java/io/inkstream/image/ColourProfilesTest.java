package io.inkstream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/** Embedded colour profiles are set aside in a copy, by one byte, and the upload is otherwise decoded as it is. */
class ColourProfilesTest {
    @Test
    void aJpegsProfileSegmentIsRenamedInACopyAndTheJpegIsThenRead() throws Exception {
        byte[] jpeg = FuzzSeeds.read("digit-gray-profile.jpg");
        // The control: read as it is, the JDK's reader refuses the colour JPEG's gray profile.
        assertThatThrownBy(() -> ImageIO.read(new ByteArrayInputStream(jpeg))).hasMessageContaining("color space components");

        byte[] setAside = ColourProfiles.setAside(jpeg, ImageFormat.JPEG);

        assertThat(setAside).isNotSameAs(jpeg).hasSameSizeAs(jpeg);
        assertThat(differences(jpeg, setAside)).isEqualTo(1);
        assertThat(new String(setAside, StandardCharsets.ISO_8859_1)).contains("XCC_PROFILE").doesNotContain("ICC_PROFILE");
        assertThat(new String(jpeg, StandardCharsets.ISO_8859_1)).as("the upload itself").contains("ICC_PROFILE");
        assertThat(ImageIO.read(new ByteArrayInputStream(setAside)).getWidth()).isEqualTo(40);
    }

    /**
     * The JDK's own PYCC profile (234 KB, in four APP2 segments, as encoders split a large one) is refused already when the
     * header is read, which is all the gateway reads of an upload: that was 422 at the gateway.
     */
    @Test
    void aProfileTheJdkCannotUseNoLongerFailsTheHeaderTheGatewayReadsNorTheDecoding() throws Exception {
        byte[] jpeg = withProfile(FuzzSeeds.read("digit.jpg"), ICC_Profile.getInstance(ColorSpace.CS_PYCC).getData());
        // The control: read as it is, the header alone fails.
        assertThatThrownBy(() -> {
            try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
                ImageReader reader = ImageIO.getImageReaders(input).next();
                reader.setInput(input);
                reader.getWidth(0);
            }
        }).hasMessageContaining("profile");

        DigitPreprocessor preprocessor = new DigitPreprocessor();
        assertThat(preprocessor.inspection(jpeg)).isEqualTo(new DigitPreprocessor.Inspection(ImageFormat.JPEG, 40 * 40));
        assertThat(preprocessor.preprocess(jpeg).pixels()).isEqualTo(preprocessor.preprocess(FuzzSeeds.read("digit.jpg")).pixels());
    }

    @Test
    void aWebpsProfileFlagIsClearedInACopy() {
        byte[] webp = FuzzSeeds.read("digit-linear-profile.webp");
        byte[] setAside = ColourProfiles.setAside(webp, ImageFormat.WEBP);
        assertThat(differences(webp, setAside)).isEqualTo(1);
        assertThat(webp[20] & 0x20).as("the upload keeps its flag").isEqualTo(0x20);
        assertThat(setAside[20] & 0x20).isZero();
    }

    @Test
    void aPictureWithoutAProfileIsTheSameArray() {
        for (String seed : new String[] {"digit.jpg", "digit-lossy.webp", "digit-ink-in-alpha.webp", "digit.png"}) {
            byte[] image = FuzzSeeds.read(seed);
            ImageFormat format = ImageFormat.sniff(image).orElseThrow();
            assertThat(ColourProfiles.setAside(image, format)).as(seed).isSameAs(image);
        }
    }

    /** The JPEG with the profile in APP2 segments right after its start, as ICC.1 says: each names its place and the count. */
    private static byte[] withProfile(byte[] jpeg, byte[] profile) {
        int perSegment = 0xffff - 2 - 14;
        int segments = (profile.length + perSegment - 1) / perSegment;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        for (int i = 0; i < segments; i++) {
            int from = i * perSegment;
            int length = Math.min(perSegment, profile.length - from);
            int segmentLength = 2 + 14 + length;
            out.write(0xff);
            out.write(0xe2);
            out.write(segmentLength >> 8);
            out.write(segmentLength & 0xff);
            out.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1));
            out.write(i + 1);
            out.write(segments);
            out.write(profile, from, length);
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static int differences(byte[] a, byte[] b) {
        int differences = 0;
        for (int i = 0; i < a.length; i++) {
            differences += a[i] != b[i] ? 1 : 0;
        }
        return differences;
    }
}
