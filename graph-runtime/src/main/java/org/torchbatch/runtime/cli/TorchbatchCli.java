package org.torchbatch.runtime.cli;

import org.torchbatch.runtime.TorchbatchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code torchbatch} command line of the runtime: {@code inspect}, {@code run}, {@code verify}.
 */
@Command(
    name = "torchbatch",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Runs TorchScript models over big data.",
    subcommands = {InspectCommand.class, RunCommand.class, VerifyCommand.class})
public final class TorchbatchCli {

  public static void main(String[] args) {
    System.exit(execute(new CommandLine(new TorchbatchCli()), args));
  }

  /**
   * Runs a command line with torchbatch's error handling: a {@link TorchbatchException} prints its
   * one-line reason and exits with {@link ExitCodes#USAGE} before work, {@link ExitCodes#FAILED}
   * during it.
   */
  public static int execute(CommandLine commandLine, String... args) {
    commandLine.setExecutionExceptionHandler(
        (error, line, parsed) -> {
          line.getErr().println("torchbatch: " + error.getMessage());
          line.getErr().flush();
          return error instanceof TorchbatchException failure
              ? exitCodeOf(failure)
              : ExitCodes.FAILED;
        });
    return commandLine.execute(args);
  }

  private static int exitCodeOf(TorchbatchException failure) {
    return failure instanceof org.torchbatch.runtime.engine.ModelExecutionException
        ? ExitCodes.FAILED
        : ExitCodes.USAGE;
  }
}
