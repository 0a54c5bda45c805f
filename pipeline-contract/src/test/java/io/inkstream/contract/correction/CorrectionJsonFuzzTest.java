package io.inkstream.contract.correction;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes on the corrections topic: parsing gives a valid correction, which writes back and parses to the same record, or
 * an InvalidCorrectionException (the sink skips those with the reason). Any other exception is a finding: it would stop the
 * sink's corrections reader.
 */
class CorrectionJsonFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesAnyValue(byte[] value) {
        Correction correction;
        try {
            correction = CorrectionJson.read(value);
        } catch (InvalidCorrectionException refused) {
            return;
        }
        if (correction.label() < 0 || correction.label() > 9) {
            throw new AssertionError("a correction with label " + correction.label() + " was accepted");
        }
        Correction again;
        try {
            again = CorrectionJson.read(CorrectionJson.write(correction));
        } catch (InvalidCorrectionException e) {
            throw new AssertionError("a correction that was read cannot be read back after writing: " + correction, e);
        }
        if (!again.equals(correction)) {
            throw new AssertionError("round trip changed " + correction + " into " + again);
        }
    }
}
