package io.inkstream.contract.topic;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Bytes read as UTF-8 text only when they are: {@code new String(bytes, UTF_8)} turns every malformed sequence into U+FFFD,
 * so two different keys (or URLs) could become one text.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** The text {@code length} bytes from {@code offset} are, or empty when they are not UTF-8. */
    public static Optional<String> decode(byte[] bytes, int offset, int length) {
        try {
            // A new decoder each time: ImageIds.problem, this decode included, takes 27-43 ns for a UUID's 36 bytes, about 0.1%
            // of what the classifier spends on an image (docs/tools/RecordChecksProbe.java, docs/benchmarks.md), so none is
            // kept per thread.
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
