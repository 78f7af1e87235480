package org.opencdp.bench.platform;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's plots over the run's seconds (PNG, drawn headless with JFreeChart). */
final class Charts {

    private static final int WIDTH = 1100;
    private static final int HEIGHT = 480;

    private Charts() {
    }

    /** Offered and accepted events/s, and messages/s consumed by each group. */
    static void throughput(List<BenchResult.Tick> ticks, Path file) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series("offered (events/s)", ticks, BenchResult.Tick::offeredRate));
        data.addSeries(series("accepted by ingestion (events/s)", ticks, BenchResult.Tick::acceptedPerSecond));
        for (String group : groups(ticks)) {
            data.addSeries(series(Timeline.shortName(group) + " consumed (msgs/s)", ticks,
                    tick -> tick.consumedPerSecond().getOrDefault(group, 0.0)));
        }
        save(ChartFactory.createXYLineChart("Throughput", "second of the run", "per second", data,
                PlotOrientation.VERTICAL, true, false, false), file);
    }

    /** Each consumer group's lag. */
    static void lag(List<BenchResult.Tick> ticks, Path file) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String group : groups(ticks)) {
            data.addSeries(series(Timeline.shortName(group), ticks, tick -> tick.lag().getOrDefault(group, 0L).doubleValue()));
        }
        save(ChartFactory.createXYLineChart("Consumer lag", "second of the run", "records not yet consumed", data,
                PlotOrientation.VERTICAL, true, false, false), file);
    }

    /** Cores used by the platform JVM, PostgreSQL and the whole machine. */
    static void cpu(List<BenchResult.Tick> ticks, Path file) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series("platform JVM", ticks, BenchResult.Tick::jvmCores));
        data.addSeries(series("platform JVM: JIT compilers", ticks, tick -> tick.jvmThreadCores().getOrDefault("jit", 0.0)));
        data.addSeries(series("platform JVM: Kafka broker", ticks, tick -> tick.jvmThreadCores().getOrDefault("broker", 0.0)));
        data.addSeries(series("PostgreSQL", ticks, BenchResult.Tick::postgresCores));
        data.addSeries(series("bench (load generator)", ticks, BenchResult.Tick::benchCores));
        data.addSeries(series("machine (everything)", ticks, BenchResult.Tick::machineCores));
        save(ChartFactory.createXYLineChart("CPU", "second of the run", "cores", data, PlotOrientation.VERTICAL, true,
                false, false), file);
    }

    private static List<String> groups(List<BenchResult.Tick> ticks) {
        Map<String, Boolean> groups = new LinkedHashMap<>();
        ticks.forEach(tick -> tick.lag().keySet().forEach(group -> groups.put(group, true)));
        return List.copyOf(groups.keySet());
    }

    private static XYSeries series(String name, List<BenchResult.Tick> ticks, Function<BenchResult.Tick, Double> value) {
        XYSeries series = new XYSeries(name, false, true);
        ticks.forEach(tick -> series.add(tick.second(), value.apply(tick)));
        return series;
    }

    private static void save(JFreeChart chart, Path file) throws IOException {
        chart.getXYPlot().setBackgroundPaint(java.awt.Color.WHITE);
        chart.getXYPlot().setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        chart.getXYPlot().setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
