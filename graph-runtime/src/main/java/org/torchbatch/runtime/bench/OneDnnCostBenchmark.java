package org.torchbatch.runtime.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.runtime.engine.RuntimeSettings;
import org.torchbatch.runtime.engine.TorchEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What keeping oneDNN away from LSTM layers costs, beside what capping oneDNN's ISA would: an LSTM
 * model run by libtorch's own LSTM (the default) and by oneDNN; a convolution model alone, and
 * beside an LSTM model's calls in the same JVM; each round also runs both models in a child JVM
 * under {@code ONEDNN_MAX_CPU_ISA}, so every ratio comes from cases run back to back.
 */
@Command(
    name = "onednn-cost-benchmark",
    mixinStandardHelpOptions = true,
    description = "Rows/s of an LSTM and a convolution model with and without oneDNN.")
public final class OneDnnCostBenchmark implements Callable<Integer> {
  @Option(names = "--lstm", required = true, description = "LSTM archive, input [batch, 32, 16]")
  Path lstm;

  @Option(names = "--conv", required = true, description = "conv archive, input [batch, 3, 32, 32]")
  Path conv;

  @Option(names = "--batch", defaultValue = "256")
  int batch;

  @Option(names = "--seconds", defaultValue = "1.5", description = "length of one timed run")
  double seconds;

  @Option(names = "--rounds", defaultValue = "5")
  int rounds;

  @Option(names = "--cap", defaultValue = "AVX2", description = "the ISA cap compared with")
  String cap;

  @Option(names = "--child", hidden = true, description = "run the capped cases once and exit")
  boolean child;

  private final Map<String, List<Double>> rates = new LinkedHashMap<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new OneDnnCostBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    TorchEngine.start(RuntimeSettings.EXECUTOR);
    try (ModelHandle lstmModel = ModelCache.shared().acquire(lstm, DeviceSpec.CPU);
        ModelHandle convModel = ModelCache.shared().acquire(conv, DeviceSpec.CPU)) {
      HostTensor steps = reshaped(RawRuns.readyTensor(batch, 32 * 16), batch, 32, 16);
      HostTensor images = reshaped(RawRuns.readyTensor(batch, 3 * 32 * 32), batch, 3, 32, 32);
      Feed lstmFeed = new Feed(lstmModel.newRunner(1, false), steps);
      Feed lstmOneDnn = new Feed(lstmModel.newRunner(1, true), steps);
      Feed convFeed = new Feed(convModel.newRunner(1), images);
      if (child) {
        System.out.println("rate lstm-capped " + lstmOneDnn.rate(seconds));
        System.out.println("rate conv-capped " + convFeed.rate(seconds));
        return 0;
      }
      System.out.printf(
          "%s, libtorch %s, batch %d, 1 thread a model, %d rounds of %s s a case%n%n",
          CpuInfo.current().describe(), TorchEngine.LIBTORCH_VERSION, batch, rounds, seconds);
      for (int round = -1; round < rounds; round++) {
        boolean warmUp = round < 0;
        record("lstm: libtorch's LSTM (default)", lstmFeed.rate(seconds), warmUp);
        record("lstm: oneDNN (--onednn-lstm)", lstmOneDnn.rate(seconds), warmUp);
        record("conv: alone", convFeed.rate(seconds), warmUp);
        record("conv: beside default LSTM calls", convFeed.rateBeside(lstmFeed, seconds), warmUp);
        record("conv: beside oneDNN LSTM calls", convFeed.rateBeside(lstmOneDnn, seconds), warmUp);
        capped().forEach((name, rate) -> record(name, rate, warmUp));
      }
    }
    report();
    return 0;
  }

  private void record(String name, double rate, boolean warmUp) {
    if (!warmUp) {
      rates.computeIfAbsent(name, unused -> new ArrayList<>()).add(rate);
    }
  }

  private Map<String, Double> capped() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(getClass().getName(), "--child", "--lstm", lstm.toString()));
    command.addAll(List.of("--conv", conv.toString(), "--batch", String.valueOf(batch)));
    command.addAll(List.of("--seconds", String.valueOf(seconds)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ONEDNN_MAX_CPU_ISA", cap);
    Process process = builder.start();
    Map<String, Double> found = new LinkedHashMap<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        String[] parts = line.split(" ");
        if (parts.length == 3 && parts[0].equals("rate")) {
          String model = parts[1].startsWith("lstm") ? "lstm: oneDNN" : "conv: alone";
          found.put(model + " under ONEDNN_MAX_CPU_ISA=" + cap, Double.parseDouble(parts[2]));
        }
      }
    }
    if (process.waitFor() != 0 || found.size() != 2) {
      throw new IllegalStateException("the capped run failed with exit " + process.exitValue());
    }
    return found;
  }

  private void report() {
    System.out.printf("%-52s  %s%n", "case", "rows/s median (min-max)");
    rates.forEach(
        (name, values) -> System.out.printf("%-52s  %s%n", name, measurement(values).describe()));
    System.out.printf("%n%-52s  %s%n", "ratio, round by round", "median (min-max)");
    ratio(
        "lstm: libtorch's / oneDNN",
        "lstm: libtorch's LSTM (default)",
        "lstm: oneDNN (--onednn-lstm)");
    ratio(
        "lstm: libtorch's / oneDNN capped to " + cap,
        "lstm: libtorch's LSTM (default)",
        "lstm: oneDNN under ONEDNN_MAX_CPU_ISA=" + cap);
    ratio(
        "conv: beside default / beside oneDNN LSTM calls",
        "conv: beside default LSTM calls",
        "conv: beside oneDNN LSTM calls");
    ratio(
        "conv: capped to " + cap + " / alone",
        "conv: alone under ONEDNN_MAX_CPU_ISA=" + cap,
        "conv: alone");
  }

  private void ratio(String label, String numerator, String denominator) {
    Measurement ratio =
        measurement(rates.get(numerator)).dividedBy(measurement(rates.get(denominator)));
    System.out.printf("%-52s  %.3f (%.3f-%.3f)%n", label, ratio.median(), ratio.min(), ratio.max());
  }

  private static HostTensor reshaped(HostTensor tensor, long... shape) {
    return new HostTensor(tensor.dtype(), shape, tensor.data());
  }

  private static Measurement measurement(List<Double> values) {
    return new Measurement(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** One runner and the batch it is fed again and again. */
  private record Feed(ModelRunner runner, HostTensor input) {
    double rate(double seconds) {
      return Measurement.of(1, seconds, input.shape()[0], this::once).median();
    }

    /** This feed's rate while {@code other} runs on a second thread the whole time. */
    double rateBeside(Feed other, double seconds) throws InterruptedException {
      AtomicBoolean stop = new AtomicBoolean();
      Thread neighbour =
          new Thread(
              () -> {
                while (!stop.get()) {
                  other.once();
                }
              });
      neighbour.start();
      try {
        return rate(seconds);
      } finally {
        stop.set(true);
        neighbour.join();
      }
    }

    void once() {
      runner.run("forward", List.of(input)).close();
    }
  }
}
