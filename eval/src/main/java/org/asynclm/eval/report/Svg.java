package org.asynclm.eval.report;

import java.util.Locale;

/** Builds inline SVG as text. Coordinates in pixels; every text goes through {@link #escape}. */
final class Svg {
    private final StringBuilder sb = new StringBuilder();
    private final int width;
    private final int height;

    Svg(int width, int height) {
        this.width = width;
        this.height = height;
    }

    Svg rect(double x, double y, double w, double h, String fill, String title) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
                x, y, Math.max(w, 0.5), h, fill));
        if (title != null) {
            sb.append("<title>").append(escape(title)).append("</title>");
        }
        sb.append("</rect>\n");
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width) {
        sb.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n",
                x1, y1, x2, y2, stroke, width));
        return this;
    }

    Svg text(double x, double y, String text, String anchor, int size, String fill) {
        sb.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">%s</text>\n",
                x, y, anchor, size, fill, escape(text)));
        return this;
    }

    String render() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\" font-family=\"sans-serif\">\n" + sb + "</svg>\n";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A round step for axis ticks: 1, 2 or 5 times a power of ten, giving about {@code ticks} intervals. */
    static double niceStep(double range, int ticks) {
        double raw = range / ticks;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        return (n < 1.5 ? 1 : n < 3.5 ? 2 : n < 7.5 ? 5 : 10) * mag;
    }
}
