package io.readstates.load;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws per-second p99 latency over time, one line per timeline CSV, on one PNG, with a log-scale
 * latency axis so that both a flat line and its spikes stay readable.
 */
final class Chart
{
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)};
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 600;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    static void draw(final Options options) throws IOException
    {
        final String[] files = options.text("csv", "").split(",");
        final String[] labels = options.text("labels", options.text("csv", "")).split(",");
        final List<long[]> series = new ArrayList<>();
        long maxSecond = 1;
        long maxUs = 1000;
        for (final String file : files)
        {
            final List<String> lines = Files.readAllLines(Path.of(file));
            final long[] p99 = new long[lines.size() - 1];
            for (int i = 1; i < lines.size(); i++)
            {
                p99[i - 1] = Long.parseLong(lines.get(i).split(",")[3]);
                maxUs = Math.max(maxUs, p99[i - 1]);
            }
            maxSecond = Math.max(maxSecond, p99.length);
            series.add(p99);
        }
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        final double logMin = Math.log10(100);
        final double logMax = Math.log10(maxUs * 2.0);
        g.setColor(Color.LIGHT_GRAY);
        for (double decade = 100; decade <= maxUs * 2.0; decade *= 10)
        {
            final int y = y(decade, logMin, logMax);
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(decade >= 1000 ? (long)(decade / 1000) + " ms" : (long)decade + " us", 10, y + 5);
            g.setColor(Color.LIGHT_GRAY);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        for (long s = 0; s <= maxSecond; s += Math.max(1, maxSecond / 10))
        {
            final int x = x(s, maxSecond);
            g.drawString(s + " s", x - 10, HEIGHT - BOTTOM + 20);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(options.text("title", "p99 latency per second"), LEFT, 30);
        g.setStroke(new BasicStroke(1.6f));
        for (int i = 0; i < series.size(); i++)
        {
            g.setColor(COLORS[i % COLORS.length]);
            final long[] p99 = series.get(i);
            for (int s = 1; s < p99.length; s++)
            {
                g.drawLine(x(s - 1, maxSecond), y(Math.max(100, p99[s - 1]), logMin, logMax),
                    x(s, maxSecond), y(Math.max(100, p99[s]), logMin, logMax));
            }
            g.fillRect(WIDTH - RIGHT - 260, TOP + 15 + i * 20, 14, 4);
            g.drawString(labels[Math.min(i, labels.length - 1)], WIDTH - RIGHT - 240, TOP + 22 + i * 20);
        }
        g.dispose();
        ImageIO.write(image, "png", Path.of(options.text("out", "p99.png")).toFile());
    }

    private static int x(final long second, final long maxSecond)
    {
        return LEFT + (int)((WIDTH - LEFT - RIGHT) * second / (double)maxSecond);
    }

    private static int y(final double us, final double logMin, final double logMax)
    {
        final double f = (Math.log10(us) - logMin) / (logMax - logMin);
        return HEIGHT - BOTTOM - (int)((HEIGHT - TOP - BOTTOM) * f);
    }
}
