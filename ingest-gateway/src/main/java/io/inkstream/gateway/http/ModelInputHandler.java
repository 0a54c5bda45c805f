package io.inkstream.gateway.http;

import io.inkstream.contract.topic.Headers;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.StoredPrediction;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Comparator;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * {@code GET /api/images/{id}/input.png?model=}: the 28 x 28 input a model classified for an image (the latest prediction's
 * model when none is named), as the model saw it: white ink on black, MNIST's own way. 404 when the image has no prediction
 * by that model, or its prediction kept no input (stored before schema 7, or by an older classifier).
 */
final class ModelInputHandler implements Handler {
    private final PredictionReader reader;

    ModelInputHandler(PredictionReader reader) {
        this.reader = reader;
    }

    @Override
    public void handle(Context ctx) throws IOException {
        String id = QueryHandlers.checkedId(ctx.pathParam("id"));
        String model = QueryHandlers.namedModel(ctx).orElseGet(() -> reader.forImage(id).stream().max(Comparator.comparing(StoredPrediction::classifiedAt))
                .map(StoredPrediction::modelVersion)
                .orElseThrow(() -> new ApiProblem(404, "unknown-image", "no model has classified image " + id)));
        byte[] input = reader.modelInput(id, model).filter(bytes -> bytes.length == Headers.MODEL_INPUT_BYTES)
                .orElseThrow(() -> new ApiProblem(404, "no-model-input", "no input of model " + model + " is kept for image " + id
                        + ": it has no prediction by that model, or one stored before the inputs were kept"));
        ctx.contentType("image/png").header("Cache-Control", "private, max-age=3600").result(png(input));
    }

    /** 784 bytes of ink, row by row, as a grey 28 x 28 PNG. */
    static byte[] png(byte[] input) throws IOException {
        int side = (int) Math.sqrt(Headers.MODEL_INPUT_BYTES);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, side, side, input);
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
