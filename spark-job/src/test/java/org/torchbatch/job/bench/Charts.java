package org.torchbatch.job.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's PNG charts. */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;

  private Charts() {}

  /** One line per series of rows/s over batch sizes, on a log2 axis. */
  static void throughputByBatch(Path file, Map<String, Map<Integer, Double>> series)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach(
        (name, points) -> {
          XYSeries line = new XYSeries(name);
          points.forEach(line::add);
          data.addSeries(line);
        });
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Throughput vs batch size (median)",
            "batch size (rows)",
            "rows/s",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    LogAxis batch = new LogAxis("batch size (rows)");
    batch.setBase(2);
    chart.getXYPlot().setDomainAxis(batch);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** A stacked bar per case: seconds of task time in each phase. */
  static void phases(Path file, Map<String, PhaseSplit> jobs) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    jobs.forEach(
        (job, split) -> {
          double[] seconds = split.phases();
          for (int p = 0; p < seconds.length; p++) {
            data.addValue(seconds[p], PhaseSplit.PHASES[p], job);
          }
        });
    JFreeChart chart =
        ChartFactory.createStackedBarChart(
            "Where the task time goes",
            "case",
            "task seconds (both cores)",
            data,
            PlotOrientation.HORIZONTAL,
            true,
            false,
            false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** Resident set size and heap in use over rows processed. */
  static void memory(Path file, List<MemoryTimeline.Sample> samples) throws IOException {
    XYSeries rss = new XYSeries("resident set size (MB)");
    XYSeries heap = new XYSeries("heap in use (MB)");
    for (MemoryTimeline.Sample sample : samples) {
      rss.add(sample.rows() / 1e6, sample.rssMb());
      heap.add(sample.rows() / 1e6, sample.heapMb());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(rss);
    data.addSeries(heap);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Executor memory while one query predicts",
            "rows processed (millions)",
            "MB",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }
}
