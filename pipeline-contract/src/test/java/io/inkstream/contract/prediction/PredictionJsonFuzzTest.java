package io.inkstream.contract.prediction;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes on the predictions topic: parsing gives a valid prediction, which writes back and
 * parses to the same record, or an InvalidPredictionException (the sink dead-letters those). Any
 * other exception is a finding: it would stop the sink's loop.
 */
class PredictionJsonFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void parsesOrRefusesAnyValue(byte[] value) {
        Prediction prediction;
        try {
            prediction = PredictionJson.read(value);
        } catch (InvalidPredictionException refused) {
            return;
        }
        Prediction again;
        try {
            again = PredictionJson.read(PredictionJson.write(prediction));
        } catch (InvalidPredictionException e) {
            throw new AssertionError("a prediction that was read cannot be read back after writing: " + prediction, e);
        }
        if (!again.equals(prediction)) {
            throw new AssertionError("round trip changed " + prediction + " into " + again);
        }
    }
}
