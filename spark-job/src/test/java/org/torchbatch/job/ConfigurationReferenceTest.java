package org.torchbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.torchbatch.spark.Setting;
import org.torchbatch.spark.TorchbatchConf;
import picocli.CommandLine;

/**
 * docs/configuration.md's tables, the example properties file and {@code predict --help} come from
 * the registry ({@link JobOptions}, {@link TorchbatchConf}). When this fails after a change to the
 * registry, {@code mvn test -Dtest=ConfigurationReferenceTest -Dtorchbatch.writeDocs=true} in
 * spark-job rewrites the tables.
 */
class ConfigurationReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");
  private static final String BEGIN = "<!-- tables generated from the registry: begin -->";
  private static final String END = "<!-- tables generated from the registry: end -->";

  static String tables() {
    StringBuilder out = new StringBuilder();
    table(
        out,
        "`torchbatch predict` options (command line; `--config` file keys; `"
            + JobSettings.SPARK_PREFIX
            + "<option>`)",
        "option",
        "--",
        JobOptions.ALL);
    table(
        out,
        "Per model: `" + TorchbatchConf.MODEL_PREFIX + "<name>.<key>`",
        "key",
        "",
        TorchbatchConf.MODEL);
    table(out, "Other keys", "key", "", TorchbatchConf.GLOBAL);
    return out.toString();
  }

  private static void table(
      StringBuilder out, String title, String column, String prefix, List<Setting> settings) {
    out.append("\n### ").append(title).append("\n\n");
    out.append("| ").append(column).append(" | value | default | what it does |\n");
    out.append("|---|---|---|---|\n");
    for (Setting setting : settings) {
      String value =
          setting.kind() == Setting.Kind.CHOICE
              ? String.join(", ", setting.allowed().stream().map(v -> "`" + v + "`").toList())
              : setting.kind().label();
      String fallback = setting.defaultValue() == null ? "" : "`" + setting.defaultValue() + "`";
      out.append("| `")
          .append(prefix)
          .append(setting.name())
          .append("` | ")
          .append(value)
          .append(" | ")
          .append(fallback)
          .append(" | ")
          .append(setting.doc().replace("|", "\\|"))
          .append(" |\n");
    }
  }

  @Test
  void theDocsTablesAreTheRegistrys() throws IOException {
    String doc = Files.readString(DOC);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("markers in %s", DOC).isPositive();
    assertThat(end).isGreaterThan(begin);
    String generated = tables() + "\n";
    if (Boolean.getBoolean("torchbatch.writeDocs")) {
      doc = doc.substring(0, begin + BEGIN.length()) + "\n" + generated + doc.substring(end);
      Files.writeString(DOC, doc);
    }
    assertThat(doc.substring(begin + BEGIN.length() + 1, doc.indexOf(END)))
        .as("docs/configuration.md's tables; rewrite with -Dtorchbatch.writeDocs=true")
        .isEqualTo(generated);
  }

  @Test
  void theExamplePropertiesFileNamesEveryOptionAndNothingElse() throws IOException {
    Pattern key = Pattern.compile("^#?\\s*([a-z0-9-]+)=");
    List<String> keys = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("..", "conf", "torchbatch-job.properties"))) {
      Matcher matcher = key.matcher(line);
      if (matcher.find()) {
        keys.add(matcher.group(1));
      }
    }
    assertThat(keys).containsExactlyInAnyOrderElementsOf(JobOptions.names());
  }

  @Test
  void helpDescribesEveryOptionFromTheRegistry() {
    StringWriter help = new StringWriter();
    CommandLine line = TorchbatchJob.commandLine();
    line.getSubcommands().get("predict").usage(new PrintWriter(help, true));
    String text = help.toString().replaceAll("\\s+", " ");
    for (Setting option : JobOptions.ALL) {
      assertThat(text).containsAnyOf(" --" + option.name() + "=", " --" + option.name() + "[=");
    }
    assertThat(text)
        .contains(
            "(error-if-exists, overwrite, append, overwrite-partitions). Default error-if-exists.");
  }
}
