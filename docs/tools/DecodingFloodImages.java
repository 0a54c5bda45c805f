import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * The two images of decoding-flood.sh, written into the directory given: page.png, a 4096 x 4096 white page with one
 * stroke (37 KB, 16.8 megapixels to decode), and probe.png, a 280 x 280 drawing of a one as the web page sends it.
 * Run with {@code java docs/tools/DecodingFloodImages.java DIR}.
 */
public final class DecodingFloodImages {
    public static void main(String[] args) throws Exception {
        File dir = new File(args.length > 0 ? args[0] : ".");
        BufferedImage page = new BufferedImage(4096, 4096, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D pen = page.createGraphics();
        pen.setColor(Color.WHITE);
        pen.fillRect(0, 0, 4096, 4096);
        pen.setColor(Color.BLACK);
        pen.fillRect(2048 - 100, 1024, 200, 2048);
        pen.dispose();
        ImageIO.write(page, "png", new File(dir, "page.png"));

        BufferedImage probe = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        pen = probe.createGraphics();
        pen.setColor(Color.WHITE);
        pen.fillRect(0, 0, 280, 280);
        pen.setColor(Color.BLACK);
        pen.setStroke(new BasicStroke(22));
        pen.drawLine(140, 40, 140, 240);
        pen.dispose();
        ImageIO.write(probe, "png", new File(dir, "probe.png"));
    }
}
