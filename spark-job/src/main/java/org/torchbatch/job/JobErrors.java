package org.torchbatch.job;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.engine.ModelExecutionException;
import org.torchbatch.spark.ModelConfig;

/** The job's failures as exit codes and messages in the job's own terms. */
final class JobErrors {
  // messages from the Spark side name the model's settings; the job's user knows its options
  private static final Map<String, String> OPTIONS_OF_SETTINGS =
      Arrays.stream(ModelOption.values())
          .collect(Collectors.toMap(o -> o.setting, o -> "--" + o.option));
  private static final Pattern SETTING =
      Pattern.compile(Pattern.quote(ModelConfig.PREFIX + PredictJob.MODEL + ".") + "(\\w+)");

  private static final int HEAD = 8;
  private static final int TAIL = 6;

  private JobErrors() {}

  /** A step before any work: a Spark or torchbatch refusal is exit code 2. */
  static <T> T analyse(Supplier<T> step) {
    try {
      return step.get();
    } catch (Exception e) {
      if (e instanceof AnalysisException || e instanceof TorchbatchException) {
        throw new JobException(ExitCodes.USAGE, rootMessage(e), e);
      }
      throw e;
    }
  }

  /** The exit code of a run that threw {@code error} (see {@link ExitCodes}). */
  static int exitCode(Throwable error) {
    if (error instanceof JobException job) {
      return job.exitCode();
    }
    if (error instanceof ModelExecutionException) {
      return ExitCodes.FAILED;
    }
    if (error instanceof TorchbatchException || error instanceof AnalysisException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.FAILED;
  }

  /** The work: any failure is exit code 1. */
  static <T> T runOrFail(Supplier<T> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      throw new JobException(ExitCodes.FAILED, "The job failed: " + rootMessage(e), e);
    }
  }

  static void runOrFail(Runnable step) {
    runOrFail(
        () -> {
          step.run();
          return null;
        });
  }

  /**
   * The first torchbatch message in the chain (it carries the reasons under it: the model, the
   * rows, TorchScript's own message), else the innermost one.
   */
  static String rootMessage(Throwable error) {
    Throwable cause = error;
    while (!(cause instanceof TorchbatchException)
        && cause.getCause() != null
        && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return shortened(inJobTerms(String.valueOf(cause.getMessage())).split("\n"));
  }

  /** A long message's head and tail: TorchScript's traceback sits between its reason and ours. */
  private static String shortened(String[] lines) {
    if (lines.length <= HEAD + TAIL + 1) {
      return String.join("\n", lines);
    }
    return String.join("\n", Arrays.asList(lines).subList(0, HEAD))
        + "\n  ...\n"
        + String.join("\n", Arrays.asList(lines).subList(lines.length - TAIL, lines.length));
  }

  /** A message with the job's model settings named as its command line options. */
  static String inJobTerms(String message) {
    return SETTING
        .matcher(message)
        .replaceAll(
            match ->
                Matcher.quoteReplacement(
                    OPTIONS_OF_SETTINGS.getOrDefault(match.group(1), match.group())));
  }
}
