package io.inkstream.classifier.batching;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes in the buffer's changelog, as a restore reads them back: an entry either reads, and
 * what it reads survives a write and a read unchanged, or is refused as corrupt. Any other exception, a hang or an
 * out-of-memory (a count or length believed before it is checked) is a finding.
 */
class PendingImageFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void readsOrRefusesAnyEntry(byte[] data) {
        PendingImage image;
        try {
            image = PendingImage.read(data);
        } catch (PendingImage.CorruptEntryException refused) {
            return;
        }
        byte[] written = PendingImage.write(image);
        try {
            if (!java.util.Arrays.equals(PendingImage.write(PendingImage.read(written)), written)) {
                throw new AssertionError("an entry that changes when written and read again");
            }
        } catch (PendingImage.CorruptEntryException e) {
            throw new AssertionError("an entry this class wrote is refused: " + e.getMessage(), e);
        }
    }
}
