package org.torchbatch.spark;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** The CPUs and GPU addresses Spark gave the running task. */
final class TaskResources {
  final int cpus;
  final List<String> gpus;

  TaskResources(TaskContext task) {
    this.cpus = task.cpus();
    scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
    this.gpus = gpu.isDefined() ? Arrays.asList(gpu.get().addresses()) : List.of();
  }
}
