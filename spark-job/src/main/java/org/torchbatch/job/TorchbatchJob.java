package org.torchbatch.job;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.cli.InspectCommand;
import org.torchbatch.runtime.cli.RunCommand;
import org.torchbatch.runtime.cli.VerifyCommand;
import org.torchbatch.runtime.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spark-submit} main and the {@code torchbatch} command line: {@code predict}, {@code
 * sql}, {@code inspect}, {@code run}, {@code verify}. Exit codes are those of {@link ExitCodes}.
 */
@Command(
    name = "torchbatch",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Runs TorchScript models over big data on Apache Spark.",
    subcommands = {
      PredictCommand.class,
      SqlCommand.class,
      InspectCommand.class,
      RunCommand.class,
      VerifyCommand.class
    })
public final class TorchbatchJob {

  public static void main(String[] args) {
    CommandLine commandLine = commandLine();
    if (!isYarnClusterDriver()) {
      System.exit(execute(commandLine, args));
    }
    // YARN's application master judges the application by how main ends: it reports a
    // System.exit, even exit 0, as a failure ("shutdown hook called before final status"), and
    // shows only a thrown exception's message in the application's diagnostics
    StringWriter errors = new StringWriter();
    commandLine.setErr(new PrintWriter(new TeeWriter(System.err, errors), true));
    int code = execute(commandLine, args);
    if (code != ExitCodes.OK) {
      throw new IllegalStateException(
          "torchbatch exited with code "
              + code
              + ": "
              + errors.toString().strip().replaceFirst("^torchbatch: ", ""));
    }
  }

  /** Whether this is the driver inside YARN's application master (cluster mode). */
  static boolean isYarnClusterDriver() {
    return "yarn".equals(System.getProperty("spark.master"))
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** The command line with every subcommand, {@code predict}'s options from {@link JobOptions}. */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new TorchbatchJob()).setOverwrittenOptionsAllowed(true);
    PredictCommand.withJobOptions(line.getSubcommands().get("predict").getCommandSpec());
    return line;
  }

  static int execute(CommandLine commandLine, String... args) {
    commandLine.setExecutionExceptionHandler(
        (error, line, parsed) -> {
          int code = JobErrors.exitCode(error);
          line.getErr().println("torchbatch: " + JobErrors.rootMessage(error));
          line.getErr().flush();
          return code;
        });
    return commandLine.execute(args);
  }

  /** Writes to two writers; the command line's errors go to stderr and into YARN's diagnostics. */
  private static final class TeeWriter extends Writer {
    private final PrintStream first;
    private final Writer second;

    TeeWriter(PrintStream first, Writer second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      first.print(new String(chars, offset, length));
      second.write(chars, offset, length);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
