package io.inkstream.store;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any text as the {@code page} a client sends back: it is refused as not a cursor
 * ({@link IllegalArgumentException}, which the gateway answers 400), or it reads into a cursor
 * that writes back to a cursor reading the same. Any other exception, a hang or running out of
 * memory is a finding. (Whether a well-formed cursor belongs to the query it is used with is
 * checked against the query's hash, in PredictionStoreIT.)
 */
class PageCursorFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void refusesOrReadsAnyCursor(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8); // as the gateway decodes a query parameter
        PredictionReader.Cursor cursor;
        try {
            cursor = PredictionReader.Cursor.decode(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        PredictionReader.Cursor again = PredictionReader.Cursor.decode(cursor.encode());
        if (!again.day().equals(cursor.day()) || !again.encode().equals(cursor.encode())) {
            throw new AssertionError("a cursor does not survive a write and a read: " + text);
        }
    }
}
