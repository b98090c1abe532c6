package org.torchbatch.runtime.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import org.torchbatch.runtime.archive.ArchiveInfo;

/**
 * A TorchScript module loaded into libtorch in eval mode. Thread-safe for inference: each caller
 * thread uses its own {@link ModelRunner}. Owned by {@link ModelCache}, which closes it.
 */
final class LoadedModel implements AutoCloseable {
  private final ModelKey key;
  private final ArchiveInfo info;
  private final PtNDManager manager;
  private final PtSymbolBlock block;
  private int references;

  private LoadedModel(ModelKey key, ArchiveInfo info, PtNDManager manager, PtSymbolBlock block) {
    this.key = key;
    this.info = info;
    this.manager = manager;
    this.block = block;
  }

  static LoadedModel load(Path archive, ArchiveInfo info, ModelKey key) {
    PtNDManager manager =
        (PtNDManager) Engine.getEngine("PyTorch").newBaseManager(key.device().toDjl());
    try {
      PtSymbolBlock block =
          JniUtils.loadModule(manager, archive, true, new String[0], new String[0], false);
      JniUtils.enableInferenceMode(block);
      return new LoadedModel(key, info, manager, block);
    } catch (RuntimeException e) {
      manager.close();
      throw new ModelExecutionException(
          "Cannot load model " + info.file() + " on " + key.device() + ": " + e.getMessage(), e);
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
