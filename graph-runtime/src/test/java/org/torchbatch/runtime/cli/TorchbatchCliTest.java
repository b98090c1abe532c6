package org.torchbatch.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.testing.Fixtures;
import picocli.CommandLine;

class TorchbatchCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine line = new CommandLine(new TorchbatchCli());
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    return TorchbatchCli.execute(line, args);
  }

  private static String fixture(String name) {
    return Fixtures.archive(name).toString();
  }

  @Test
  void inspectPrintsMethodsTensorsAndExtraFiles() {
    assertThat(run("inspect", fixture("scripted_export_ignore"))).isZero();

    assertThat(out.toString())
        .contains("Archive       scripted_export_ignore.pt (format version")
        .contains("forward(x: Tensor) -> Tensor")
        .contains("shifted(x: Tensor) -> Tensor")
        .containsPattern("scale\\s+parameter\\s+float32\\s+\\[1]\\s+4")
        .contains("meta.json: {\"owner\": \"torchbatch tests\"}");
  }

  @Test
  void verifyRunsTheArchivesExamplesHere() {
    assertThat(run("verify", fixture("examples_mlp"))).as(err::toString).isZero();
    assertThat(out.toString())
        .contains("examples_mlp.pt (sha256 ")
        .contains("2 example call(s), rtol 1.0E-4, atol 1.0E-5")
        .contains("libtorch 2.7.1 on cpu, CPU ")
        .containsPattern("1\\s+forward\\s+output\\s+\\S+\\s+ok");
  }

  @Test
  void verifyFailsWithExitOneNamingTheDifference() {
    assertThat(run("verify", fixture("examples_scaled"))).isEqualTo(ExitCodes.FAILED);
    assertThat(out.toString()).contains("MISMATCH: element [");
    assertThat(err.toString())
        .contains("torchbatch: Model examples_scaled.pt does not reproduce the examples")
        .contains("call 1 (forward), output 'output'");
  }

  @Test
  void verifyWithoutExamplesSaysHowToAddThem() {
    assertThat(run("verify", fixture("linear_traced"))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("carries no examples")
        .contains("scripts/torchbatch_examples.py");
    assertThat(
            run(
                "verify",
                fixture("linear_traced"),
                "--examples",
                Fixtures.path("linear_traced.expected.json").toString()))
        .isZero();
  }

  @Test
  void inspectShowsExamplesAndOperators() {
    assertThat(run("inspect", fixture("examples_dict"))).isZero();
    assertThat(out.toString())
        .contains("Examples      1 call(s) with PyTorch's outputs")
        .contains("aten::argmax aten::linear aten::softmax")
        .contains("torchbatch/examples.json: (the examples above)");
  }

  @Test
  void inspectJsonIsMachineReadable() throws Exception {
    assertThat(run("inspect", "--json", fixture("traced_cell"))).isZero();

    JsonNode report = new ObjectMapper().readTree(out.toString());
    assertThat(report.path("methods").get(0).path("name").asText()).isEqualTo("forward");
    assertThat(report.path("methods").get(0).path("arguments")).hasSize(2);
    assertThat(report.path("tensors").get(0).path("dtype").asText()).isEqualTo("float32");
    assertThat(report.path("tensors").get(0).path("kind").asText()).isEqualTo("parameter");
    assertThat(report.path("sha256").asText()).hasSize(64);
  }

  @Test
  void inspectCodeShowsWhatTheTraceFroze() {
    assertThat(run("inspect", fixture("traced_frozen_if"), "--code")).isZero();
    assertThat(out.toString()).contains("def forward(").contains("torch.mul(x, CONSTANTS.c0)");

    assertThat(run("inspect", fixture("multi_method"), "--code", "encode")).isZero();
    assertThat(out.toString()).contains("def encode(");
  }

  @Test
  void unusableFilesExitWithUsageCodeAndOneLine() {
    assertThat(run("inspect", fixture("state_dict.pt"))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString().strip())
        .startsWith("torchbatch: state_dict.pt is a torch.save() file")
        .doesNotContain("\n");
    assertThat(run("inspect", "/no/such/model.pt")).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
    assertThat(run("inspect", fixture("multi_method"), "--code", "nope"))
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void runCallsTheModelOnTracedShapes() {
    assertThat(run("run", fixture("mlp_small"), "--rows", "3")).isZero();
    assertThat(out.toString())
        .contains("mlp_small.pt.forward(float32[3, 512])")
        .contains("output: float32[3, 10]");
  }

  @Test
  void runReadsJsonInputsAndPrintsJson() throws Exception {
    java.nio.file.Path input = java.nio.file.Files.createTempFile("inputs", ".json");
    java.nio.file.Files.writeString(
        input, "[{\"dtype\": \"float32\", \"shape\": [1, 4], \"values\": [1, 2, 3, 4]}]");
    assertThat(
            run(
                "run",
                fixture("multi_method"),
                "--method",
                "scale",
                "--input",
                input.toString(),
                "--json"))
        .isZero();
    JsonNode result = new ObjectMapper().readTree(out.toString());
    assertThat(result.path("output").path("values").toString()).isEqualTo("[2.0,4.0,6.0,8.0]");
    java.nio.file.Files.delete(input);
  }

  @Test
  void modelErrorsExitAsFailed() {
    assertThat(run("run", fixture("shape_check"), "--shape", "2,5")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("mat1 and mat2 shapes cannot be multiplied");
  }
}
