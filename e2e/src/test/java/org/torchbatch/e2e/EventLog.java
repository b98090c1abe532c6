package org.torchbatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A job's Spark event log (spark.eventLog.enabled), read for what happened to its tasks: which were
 * lost with their executor, and whether each of those ran again to success.
 */
record EventLog(Set<String> lost, Set<String> succeeded) {

  /** The one application's log written to {@code dir}. */
  static EventLog read(Path dir) throws IOException {
    Path log;
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.toList();
      if (all.size() != 1) {
        throw new IllegalStateException("expected one event log in " + dir + ", found " + all);
      }
      log = all.get(0);
    }
    ObjectMapper json = new ObjectMapper();
    Set<String> lost = new HashSet<>();
    Set<String> succeeded = new HashSet<>();
    for (String line : Files.readAllLines(log)) {
      JsonNode event = json.readTree(line);
      if (!event.path("Event").asText().equals("SparkListenerTaskEnd")) {
        continue;
      }
      String task =
          event.path("Stage ID").asText() + "/" + event.path("Task Info").path("Index").asText();
      String reason = event.path("Task End Reason").path("Reason").asText();
      if (reason.equals("Success")) {
        succeeded.add(task);
      } else if (reason.equals("ExecutorLostFailure")) {
        lost.add(task);
      }
    }
    return new EventLog(lost, succeeded);
  }

  /** Whether every lost task ran again to success. */
  boolean lostTasksRanAgain() {
    return succeeded.containsAll(lost);
  }
}
