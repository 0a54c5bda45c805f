package io.inkstream.contract.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One rule for an image id, whether it arrives as a record's key bytes or as text (a path, a correction). */
class ImageIdsTest {
    @Test
    void anIdIsOneTo256CharactersOfText() {
        for (String id : new String[] {"7", UUID.randomUUID().toString(), "x".repeat(ImageIds.MAX_LENGTH), "é".repeat(ImageIds.MAX_LENGTH),
                "\uD83D\uDE00".repeat(ImageIds.MAX_LENGTH / 2)}) {
            assertThat(ImageIds.problem(id)).as(id).isEmpty();
            assertThat(ImageIds.problem(id.getBytes(StandardCharsets.UTF_8))).as(id).isEmpty();
        }
    }

    @Test
    void nothingElseIs() {
        assertThat(ImageIds.problem("")).contains("is empty; an image id has 1 to 256 characters");
        assertThat(ImageIds.problem((String) null)).isPresent();
        assertThat(ImageIds.problem("x".repeat(257))).contains("has 257 characters; an image id has at most 256");

        assertThat(ImageIds.problem(new byte[0])).contains("the record has no key: the key is the image id");
        assertThat(ImageIds.problem((byte[]) null)).contains("the record has no key: the key is the image id");
        assertThat(ImageIds.problem("x".repeat(257).getBytes(StandardCharsets.UTF_8)))
                .contains("the key has 257 characters; an image id has at most 256");
        // Refused on its size before it is decoded: a 70 KB key is never made into text.
        assertThat(ImageIds.problem(new byte[70_000])).contains("the key has 70000 bytes; an image id has at most 256 characters");
        // Invalid UTF-8 (a lone continuation byte, an overlong '/', a surrogate's encoding): leniently decoded, each would be
        // U+FFFD and two keys one id.
        for (byte[] key : new byte[][] {{'a', (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}}) {
            assertThat(ImageIds.problem(key)).contains("the key is not UTF-8 text");
        }
    }
}
