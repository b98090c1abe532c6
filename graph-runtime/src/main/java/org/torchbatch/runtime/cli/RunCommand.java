package org.torchbatch.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.TensorJson;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.archive.TracedInput;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code torchbatch run ARCHIVE}: calls one method once on given or random inputs. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Loads a TorchScript archive with libtorch and calls one method once, on inputs from a JSON",
      "file or on random inputs of a given shape, then prints the outputs."
    })
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ARCHIVE")
  Path archive;

  @Option(
      names = "--method",
      defaultValue = "forward",
      description = "method to call (default ${DEFAULT-VALUE})")
  String method;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = {
        "JSON inputs: a list of {\"dtype\", \"shape\", \"values\"} tensors (flat values),",
        "or an object whose \"inputs\" is that list"
      })
  Path input;

  @Option(
      names = "--shape",
      split = ";",
      paramLabel = "DIMS",
      description =
          "random inputs of these shapes, one per argument, e.g. --shape 4,512 (default: the traced example shapes)")
  List<String> shapes = new ArrayList<>();

  @Option(
      names = "--rows",
      defaultValue = "4",
      description =
          "rows for random inputs that come from traced shapes (default ${DEFAULT-VALUE})")
  int rows;

  @Option(
      names = "--dtype",
      description = "dtype of random inputs (default: what the archive implies)")
  String dtype;

  @Mixin RunnerOptions runner;

  @Option(names = "--json", description = "print outputs as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(archive)) {
      spec.commandLine().getErr().println("torchbatch: no such file: " + archive);
      return ExitCodes.INPUT_NOT_FOUND;
    }
    ArchiveInfo info = ArchiveReader.read(archive);
    info.requireMethod(method);
    List<HostTensor> inputs = input != null ? readInputs(input) : randomInputs(info);
    PrintWriter out = spec.commandLine().getOut();
    try (ModelHandle model = runner.load(archive);
        ModelOutputs outputs = runner.runner(model).run(method, inputs)) {
      if (json) {
        ObjectNode result = new ObjectMapper().createObjectNode();
        for (String name : outputs.names()) {
          result.set(name, TensorJson.write(outputs.get(name)));
        }
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(result));
      } else {
        out.printf("%s.%s(%s)%n", info.file(), method, describe(inputs));
        for (String name : outputs.names()) {
          printTensor(out, name, outputs.get(name));
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static List<HostTensor> readInputs(Path file) throws java.io.IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    JsonNode list = root.isArray() ? root : root.path("inputs");
    List<HostTensor> tensors = new ArrayList<>();
    list.forEach(node -> tensors.add(TensorJson.read(node)));
    return tensors;
  }

  private List<HostTensor> randomInputs(ArchiveInfo info) {
    List<long[]> dims = new ArrayList<>();
    for (String shape : shapes) {
      dims.add(
          Arrays.stream(shape.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray());
    }
    if (dims.isEmpty()) {
      for (TracedInput traced : info.tracedInputs()) {
        if (traced.method().equals(method)) {
          long[] shape = traced.shape().stream().mapToLong(Long::longValue).toArray();
          shape[0] = rows;
          dims.add(shape);
        }
      }
    }
    if (dims.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          info.file()
              + " records no traced input shapes for "
              + method
              + ": give --shape or --input");
    }
    Random random = new Random(42);
    List<HostTensor> tensors = new ArrayList<>();
    for (int i = 0; i < dims.size(); i++) {
      DType type = dtype != null ? DType.parse(dtype) : info.defaultInputType(method, i);
      double[] values = new double[Math.toIntExact(HostTensor.numel(dims.get(i)))];
      for (int v = 0; v < values.length; v++) {
        values[v] = type.isFloating() ? random.nextGaussian() : random.nextInt(10);
      }
      tensors.add(HostTensor.fromDoubles(type, dims.get(i), values));
    }
    return tensors;
  }

  private static String describe(List<HostTensor> tensors) {
    return String.join(", ", tensors.stream().map(HostTensor::describe).toList());
  }

  private static void printTensor(PrintWriter out, String name, HostTensor tensor) {
    out.printf("%s: %s%n", name, tensor.describe());
    double[] values = tensor.toDoubles();
    long rowsToShow = Math.min(tensor.shape().length == 0 ? 1 : tensor.shape()[0], 8);
    int perRow =
        tensor.shape().length == 0 ? 1 : (int) (values.length / Math.max(1, tensor.shape()[0]));
    for (int row = 0; row < rowsToShow; row++) {
      StringBuilder line = new StringBuilder("  [");
      for (int col = 0; col < Math.min(perRow, 10); col++) {
        line.append(col == 0 ? "" : ", ").append(String.format("%.5g", values[row * perRow + col]));
      }
      out.println(line.append(perRow > 10 ? ", ...]" : "]"));
    }
  }
}
