package org.torchbatch.runtime.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.ModelExamples;

/**
 * A TorchScript module loaded into libtorch in eval mode. Thread-safe for inference: each caller
 * thread uses its own {@link ModelRunner}. Owned by {@link ModelCache}, which closes it.
 */
final class LoadedModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);
  private final ModelKey key;
  private final ArchiveInfo info;
  private final PtNDManager manager;
  private final PtSymbolBlock block;
  private final Path archive;
  // each runner setting checked against the archive's examples, with what the check found
  private final Map<Boolean, List<ExampleCheck.Comparison>> checked = new HashMap<>();
  private int references;

  private LoadedModel(
      ModelKey key, ArchiveInfo info, PtNDManager manager, PtSymbolBlock block, Path archive) {
    this.key = key;
    this.info = info;
    this.manager = manager;
    this.block = block;
    this.archive = archive;
  }

  static LoadedModel load(Path archive, ArchiveInfo info, ModelKey key) {
    PtNDManager manager =
        (PtNDManager) Engine.getEngine("PyTorch").newBaseManager(key.device().toDjl());
    try {
      PtSymbolBlock block =
          JniUtils.loadModule(manager, archive, true, new String[0], new String[0], false);
      JniUtils.enableInferenceMode(block);
      return new LoadedModel(key, info, manager, block, archive);
    } catch (RuntimeException e) {
      manager.close();
      throw new ModelExecutionException(
          LoadFailure.explain(info, key.device(), String.valueOf(e.getMessage())), e);
    }
  }

  ModelKey key() {
    return key;
  }

  ArchiveInfo info() {
    return info;
  }

  PtNDManager manager() {
    return manager;
  }

  PtSymbolBlock block() {
    return block;
  }

  /** Whether any of the archive's code calls {@code aten::lstm} (see {@link LstmGuard}). */
  boolean usesLstm() {
    return info.operators().contains(LstmGuard.OPERATOR);
  }

  /**
   * Runs the archive's examples once per setting of {@code oneDnnLstm} in this JVM and throws the
   * same {@link ExamplesMismatchException} on every later call if they did not match.
   */
  synchronized void checkExamples(boolean oneDnnLstm) {
    if (!info.hasExamples()) {
      return;
    }
    List<ExampleCheck.Comparison> found = checked.get(oneDnnLstm);
    if (found == null) {
      ModelExamples examples = ModelExamples.read(archive).orElseThrow();
      found =
          ExampleCheck.run(
              new ModelRunner(this, TorchEngine.settings().intraOpThreads(), oneDnnLstm), examples);
      checked.put(oneDnnLstm, found);
      LOG.info(
          "Model {} on {}: its {} example call(s) {} PyTorch's outputs",
          info.file(),
          key.device(),
          examples.calls().size(),
          found.stream().allMatch(ExampleCheck.Comparison::matches) ? "match" : "do not match");
    }
    if (!found.stream().allMatch(ExampleCheck.Comparison::matches)) {
      throw ExamplesMismatchException.of(info.file(), key.device(), found);
    }
  }

  int references() {
    return references;
  }

  void retain() {
    references++;
  }

  void release() {
    references--;
  }

  @Override
  public void close() {
    block.close();
    manager.close();
  }
}
