package org.torchbatch.job;

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
    int code =
        execute(new CommandLine(new TorchbatchJob()).setOverwrittenOptionsAllowed(true), args);
    System.exit(code);
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
}
