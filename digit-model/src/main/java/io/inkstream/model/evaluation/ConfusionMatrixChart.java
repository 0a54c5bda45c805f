package io.inkstream.model.evaluation;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws a confusion matrix as a PNG heat map: counts in every cell, darker where more. */
public final class ConfusionMatrixChart {
    private static final int CELL = 48;
    private static final int MARGIN = 64;

    private ConfusionMatrixChart() {
    }

    public static BufferedImage render(Evaluation evaluation, String title) {
        int[][] confusion = evaluation.confusion();
        int size = MARGIN + CELL * Evaluation.CLASSES + 16;
        BufferedImage image = new BufferedImage(size, size + 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(Color.BLACK);
            g.drawString(title + String.format(Locale.ROOT, "  (accuracy %.2f%%)", 100 * evaluation.accuracy()), 8, 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("predicted \u2192", MARGIN, 40);
            g.drawString("actual \u2193", 4, MARGIN + 12);
            int max = 1;
            for (int actual = 0; actual < Evaluation.CLASSES; actual++) {
                max = Math.max(max, confusion[actual][actual]);
            }
            FontMetrics metrics = g.getFontMetrics();
            for (int actual = 0; actual < Evaluation.CLASSES; actual++) {
                int y = MARGIN + actual * CELL;
                g.setColor(Color.BLACK);
                g.drawString(Integer.toString(actual), MARGIN - 16, y + CELL / 2 + 4);
                for (int predicted = 0; predicted < Evaluation.CLASSES; predicted++) {
                    int x = MARGIN + predicted * CELL;
                    if (actual == 0) {
                        g.setColor(Color.BLACK);
                        g.drawString(Integer.toString(predicted), x + CELL / 2 - 4, MARGIN - 6);
                    }
                    int count = confusion[actual][predicted];
                    // Square root so that the few mistakes are visible next to the many right answers.
                    float share = (float) Math.sqrt((double) count / max);
                    Color fill = actual == predicted
                            ? new Color(1 - 0.8f * share, 1 - 0.4f * share, 1 - 0.8f * share)
                            : new Color(1f, 1 - 0.8f * share, 1 - 0.8f * share);
                    g.setColor(fill);
                    g.fillRect(x, y, CELL, CELL);
                    g.setColor(Color.LIGHT_GRAY);
                    g.drawRect(x, y, CELL, CELL);
                    if (count > 0) {
                        String text = Integer.toString(count);
                        g.setColor(share > 0.6f ? Color.WHITE : Color.BLACK);
                        g.drawString(text, x + (CELL - metrics.stringWidth(text)) / 2, y + CELL / 2 + 4);
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    public static void write(Evaluation evaluation, String title, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(render(evaluation, title), "png", file.toFile());
    }
}
