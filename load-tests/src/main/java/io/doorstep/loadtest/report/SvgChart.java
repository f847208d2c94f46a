package io.doorstep.loadtest.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line chart as inline SVG, so the HTML report is one self-contained file that opens anywhere without scripts or
 * network access. Axes start at zero; NaN values leave a gap in their line.
 */
final class SvgChart {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 150;
    private static final int TOP = 28;
    private static final int BOTTOM = 40;
    private static final int TICKS = 4;
    /** Colour-blind-safe palette (Okabe-Ito). */
    private static final String[] COLOURS = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
            "#F0E442", "#000000"};

    private SvgChart() {
    }

    static String render(RunReport.Chart chart) {
        double maxX = max(chart.x());
        double maxY = chart.lines().values().stream().mapToDouble(SvgChart::max).max().orElse(0);
        maxX = maxX > 0 ? maxX : 1;
        maxY = maxY > 0 ? maxY * 1.05 : 1;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\" role=\"img\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(text(LEFT, 16, escape(chart.title()), "font-weight=\"bold\" font-size=\"13\""));
        axes(svg, chart, maxX, maxY);
        int i = 0;
        for (Map.Entry<String, List<Double>> line : chart.lines().entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            svg.append(polyline(chart.x(), line.getValue(), maxX, maxY, colour));
            int legendY = TOP + 14 + 16 * i;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>%n",
                    WIDTH - RIGHT + 12, legendY - 4, colour));
            svg.append(text(WIDTH - RIGHT + 30, legendY, escape(line.getKey()), ""));
            i++;
        }
        return svg.append("</svg>\n").toString();
    }

    private static void axes(StringBuilder svg, RunReport.Chart chart, double maxX, double maxY) {
        int x0 = LEFT;
        int y0 = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%d H%d\" stroke=\"#444\" fill=\"none\"/>%n",
                x0, TOP, y0, WIDTH - RIGHT));
        for (int t = 0; t <= TICKS; t++) {
            double fraction = (double) t / TICKS;
            double y = y0 - fraction * (y0 - TOP);
            double x = x0 + fraction * (WIDTH - RIGHT - x0);
            svg.append(String.format(Locale.ROOT, "<path d=\"M%d %.1f H%d\" stroke=\"#ddd\"/>%n", x0, y,
                    WIDTH - RIGHT));
            svg.append(text(x0 - 6, y + 4, number(fraction * maxY), "text-anchor=\"end\""));
            svg.append(text(x, y0 + 14, number(fraction * maxX), "text-anchor=\"middle\""));
        }
        svg.append(text((x0 + WIDTH - RIGHT) / 2.0, HEIGHT - 8, escape(chart.xLabel()), "text-anchor=\"middle\""));
        svg.append(text(12, (TOP + y0) / 2.0, escape(chart.yLabel()),
                String.format(Locale.ROOT, "text-anchor=\"middle\" transform=\"rotate(-90 12 %.1f)\"",
                        (TOP + y0) / 2.0)));
    }

    /** One line; a NaN value starts a new segment, so an unknown point is a gap, not a drop to zero. */
    private static String polyline(List<Double> xs, List<Double> ys, double maxX, double maxY, String colour) {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < Math.min(xs.size(), ys.size()); i++) {
            double y = ys.get(i);
            if (Double.isNaN(y)) {
                pen = false;
                continue;
            }
            double px = LEFT + xs.get(i) / maxX * (WIDTH - RIGHT - LEFT);
            double py = HEIGHT - BOTTOM - y / maxY * (HEIGHT - BOTTOM - TOP);
            d.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", px, py));
            if (!pen) {
                d.append("l0 0 "); // with round caps a point alone in its segment shows as a dot, not as nothing
            }
            pen = true;
        }
        return String.format(Locale.ROOT, "<path d=\"%s\" stroke=\"%s\" stroke-width=\"1.8\" "
                + "stroke-linecap=\"round\" fill=\"none\"/>%n", d.toString().trim(), colour);
    }

    private static String text(double x, double y, String content, String attributes) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>%n", x, y, attributes, content);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).max().orElse(0);
    }

    static String number(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
