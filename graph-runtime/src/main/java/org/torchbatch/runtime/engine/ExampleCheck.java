package org.torchbatch.runtime.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.archive.ModelExamples;

/**
 * Runs an archive's example calls here and compares every output with PyTorch's, element by
 * element: {@code |got - want| <= atol + rtol * |want|}, NaN only where PyTorch had NaN.
 */
public final class ExampleCheck {
  private ExampleCheck() {}

  /** One output of one example call, as computed here against PyTorch's. */
  public record Comparison(
      int call,
      String method,
      String output,
      boolean matches,
      double largestDifference,
      String detail) {
    /** {@code call 1 (forward), output 'score'}. */
    public String where() {
      return "call " + call + " (" + method + "), output '" + output + "'";
    }
  }

  /** Every output of every example call, in order. */
  public static List<Comparison> run(ModelRunner runner, ModelExamples examples) {
    List<Comparison> comparisons = new ArrayList<>();
    for (int i = 0; i < examples.calls().size(); i++) {
      ModelExamples.Call call = examples.calls().get(i);
      try (ModelOutputs outputs = runner.run(call.method(), call.inputs())) {
        for (Map.Entry<String, HostTensor> want : call.outputs().entrySet()) {
          comparisons.add(
              compare(i + 1, call.method(), want.getKey(), outputs, want.getValue(), examples));
        }
      } catch (TorchbatchException e) {
        comparisons.add(
            new Comparison(
                i + 1, call.method(), "*", false, Double.NaN, "raised " + e.getMessage()));
      }
    }
    return comparisons;
  }

  /** The exception that reports these comparisons' first mismatch, for messages and exits. */
  public static ModelExecutionException mismatch(
      String file, DeviceSpec device, List<Comparison> comparisons) {
    return ExamplesMismatchException.of(file, device, comparisons);
  }

  private static Comparison compare(
      int call,
      String method,
      String name,
      ModelOutputs outputs,
      HostTensor want,
      ModelExamples examples) {
    String different = structuralDifference(name, outputs, want);
    if (different != null) {
      return new Comparison(call, method, name, false, Double.NaN, different);
    }
    double[] here = outputs.get(name).toDoubles();
    double[] there = want.toDoubles();
    boolean exact = !want.dtype().isFloating();
    double largest = 0;
    double worstExcess = 0;
    int worst = -1;
    for (int e = 0; e < there.length; e++) {
      if (Double.isNaN(here[e]) && Double.isNaN(there[e])) {
        continue;
      }
      double difference = Math.abs(here[e] - there[e]);
      double excess =
          Double.isNaN(difference)
              ? Double.POSITIVE_INFINITY
              : difference - allowed(there[e], exact, examples);
      largest = Double.isNaN(difference) ? Double.POSITIVE_INFINITY : Math.max(largest, difference);
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = e;
      }
    }
    if (worst < 0) {
      return new Comparison(call, method, name, true, largest, "matches");
    }
    return new Comparison(
        call,
        method,
        name,
        false,
        largest,
        String.format(
            "element %s is %.8g here and %.8g in PyTorch (difference %.3g, allowed %.3g: atol %s"
                + " + rtol %s x |%.8g|)",
            index(worst, want.shape()),
            here[worst],
            there[worst],
            Math.abs(here[worst] - there[worst]),
            allowed(there[worst], exact, examples),
            examples.atol(),
            examples.rtol(),
            there[worst]));
  }

  /** What makes the output not comparable element by element, or null. */
  private static String structuralDifference(String name, ModelOutputs outputs, HostTensor want) {
    if (!outputs.names().contains(name)) {
      return "is missing: the call returned " + outputs.names();
    }
    HostTensor got = outputs.get(name);
    if (got.dtype() != want.dtype()) {
      return "is " + got.dtype() + " here, " + want.dtype() + " in PyTorch";
    }
    if (!Arrays.equals(got.shape(), want.shape())) {
      return "has shape "
          + Arrays.toString(got.shape())
          + " here, "
          + Arrays.toString(want.shape())
          + " in PyTorch";
    }
    return null;
  }

  /** Integers and booleans must be equal; floats within {@code atol + rtol * |want|}. */
  private static double allowed(double want, boolean exact, ModelExamples examples) {
    return exact ? 0 : examples.atol() + examples.rtol() * Math.abs(want);
  }

  /** Flat position {@code 7} of shape {@code [4, 2]} as {@code [3, 1]}. */
  static String index(int flat, long[] shape) {
    long[] position = new long[shape.length];
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      position[d] = shape[d] == 0 ? 0 : rest % shape[d];
      rest = shape[d] == 0 ? rest : rest / shape[d];
    }
    return Arrays.toString(position);
  }
}
