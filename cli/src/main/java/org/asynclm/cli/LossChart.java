package org.asynclm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asynclm.runtime.files.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The loss curve of a training run as a PNG: loss per step, its moving average, and the held-out loss. */
final class LossChart {
    private static final int SMOOTHING = 20;

    private LossChart() {
    }

    /** Returns {@code png}, or null (with a warning) when the machine cannot draw, which must not fail a run. */
    static Path write(Path png, Path metrics, PrintWriter err) throws IOException {
        List<Double> steps = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> evalSteps = new ArrayList<>();
        List<Double> evalLoss = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            JsonNode n = Json.MAPPER.readTree(line);
            steps.add(n.get("step").asDouble());
            loss.add(n.get("loss").asDouble());
            if (n.has("eval_loss")) {
                evalSteps.add(n.get("step").asDouble());
                evalLoss.add(n.get("eval_loss").asDouble());
            }
        }
        XYChart chart = new XYChartBuilder().width(800).height(450).title("Training loss")
                .xAxisTitle("step").yAxisTitle("loss (nats per trained token)").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe0e0e0));
        chart.getStyler().setXAxisTickMarkSpacingHint(120); // whole ticks far enough apart to read
        chart.getStyler().setXAxisDecimalPattern("#");
        XYSeries raw = chart.addSeries("loss", steps, loss);
        raw.setMarker(SeriesMarkers.NONE).setLineColor(new Color(0xb0c4de));
        chart.addSeries("loss, mean of " + SMOOTHING + " steps", steps, movingAverage(loss))
                .setMarker(SeriesMarkers.NONE).setLineColor(new Color(0x1f4e9c));
        if (!evalLoss.isEmpty()) {
            XYSeries held = chart.addSeries("held-out loss", evalSteps, evalLoss);
            held.setMarker(SeriesMarkers.CIRCLE);
            held.setLineColor(new Color(0xd95f02));
            held.setMarkerColor(new Color(0xd95f02));
        }
        return draw(chart, png, err);
    }

    /**
     * The held-out task rates that training measured at its checkpoints (metrics key task_eval), against the step:
     * does the model do the job, not only predict the traces. Null when no step has them, or the machine cannot draw.
     */
    static Path writeTaskRates(Path png, Path metrics, PrintWriter err) throws IOException {
        List<Double> steps = new ArrayList<>();
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (String key : List.of("cml_valid_rate", "dependency_ok_rate", "scenario_ok_rate", "runaway_rate")) {
            rates.put(key, new ArrayList<>());
        }
        for (String line : Files.readAllLines(metrics)) {
            JsonNode n = Json.MAPPER.readTree(line);
            if (n.has("task_eval")) {
                steps.add(n.get("step").asDouble());
                rates.forEach((k, v) -> v.add(100 * n.get("task_eval").path(k).asDouble()));
            }
        }
        if (steps.isEmpty()) {
            return null;
        }
        XYChart chart = new XYChartBuilder().width(800).height(450).title("Held-out tasks at each checkpoint")
                .xAxisTitle("step").yAxisTitle("% of tasks").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe0e0e0));
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        Color[] colors = {new Color(0x1f4e9c), new Color(0x7570b3), new Color(0x1b9e77), new Color(0xd95f02)};
        int k = 0;
        for (var e : rates.entrySet()) {
            XYSeries series = chart.addSeries(e.getKey().replace("_rate", "").replace('_', ' '), steps, e.getValue());
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(colors[k]);
            series.setMarkerColor(colors[k]);
            k++;
        }
        return draw(chart, png, err);
    }

    private static Path draw(XYChart chart, Path png, PrintWriter err) throws IOException {
        try {
            System.setProperty("java.awt.headless", "true");
            AtomicFiles.write(png, tmp -> {
                try (var os = Files.newOutputStream(tmp)) {
                    BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
                }
            });
            return png;
        } catch (IOException | RuntimeException | LinkageError e) { // no fonts or no AWT: the run itself is fine
            err.println("asynclm: warning: could not draw " + png + ": " + e);
            return null;
        }
    }

    private static List<Double> movingAverage(List<Double> v) {
        List<Double> out = new ArrayList<>(v.size());
        double sum = 0;
        for (int i = 0; i < v.size(); i++) {
            sum += v.get(i);
            if (i >= SMOOTHING) {
                sum -= v.get(i - SMOOTHING);
            }
            out.add(sum / Math.min(i + 1, SMOOTHING));
        }
        return out;
    }
}
