package org.torchbatch.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.runtime.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code torchbatch sql}: runs SQL statements with {@code predict} registered. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Runs SQL statements (separated by ;) with predict(...) registered; declare models with",
      "SET spark.torchbatch.model.<name>.path=... . The last statement's result is printed."
    })
public final class SqlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "SQL", description = "the statements")
  String sql;

  @Option(
      names = {"-f", "--file"},
      description = "read the statements from FILE")
  Path file;

  @Option(
      names = "--master",
      description = "Spark master when not run by spark-submit (default local[*])")
  String master;

  @Option(
      names = "--rows",
      defaultValue = "20",
      description = "rows of the last result to print (default ${DEFAULT-VALUE})")
  int rows;

  @Override
  public Integer call() throws IOException {
    if ((sql == null) == (file == null)) {
      throw new JobException(
          ExitCodes.USAGE, "give the SQL as an argument or with --file, not both");
    }
    if (file != null && !Files.isRegularFile(file)) {
      throw new JobException(ExitCodes.INPUT_NOT_FOUND, "No such SQL file: " + file);
    }
    String text = sql != null ? sql : Files.readString(file);
    SparkSession spark = Sessions.get(master);
    Dataset<Row> last = null;
    for (String statement : statements(text)) {
      last = spark.sql(statement);
    }
    if (last != null) {
      var out = spec.commandLine().getOut();
      out.println(String.join(" | ", last.columns()));
      for (Row row : last.takeAsList(rows)) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < row.length(); i++) {
          Object value = row.get(i);
          fields.add(
              value instanceof scala.collection.Seq<?> seq
                  ? seq.mkString("[", ", ", "]")
                  : String.valueOf(value));
        }
        out.println(String.join(" | ", fields));
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  static List<String> statements(String text) {
    List<String> statements = new ArrayList<>();
    for (String part : text.split(";")) {
      if (!part.isBlank()) {
        statements.add(part.strip());
      }
    }
    return statements;
  }

  @Override
  public String toString() {
    return "sql " + Arrays.asList(sql, file);
  }
}
