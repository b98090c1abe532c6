package org.torchbatch.runtime.engine;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.List;
import java.util.stream.Collectors;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.archive.MethodSignature;

/**
 * Calls a loaded model's methods from one thread. Each call's tensors live in their own scope that
 * the returned {@link ModelOutputs} owns, so nothing outlives the caller's try-with-resources.
 */
public final class ModelRunner {
  private final LoadedModel model;
  private final int intraOpThreads;
  private final boolean guardLstm;
  private Thread configuredThread;
  private int configuredThreads;

  ModelRunner(LoadedModel model, int intraOpThreads, boolean oneDnnLstm) {
    this.model = model;
    this.intraOpThreads = intraOpThreads;
    this.guardLstm = model.usesLstm() && !model.key().device().cuda() && !oneDnnLstm;
  }

  /**
   * Runs {@code method} on positional tensor arguments. Direct buffers are wrapped, not copied;
   * they must stay valid until the returned outputs are closed.
   */
  public ModelOutputs run(String method, List<HostTensor> arguments) {
    return run(method, arguments, intraOpThreads);
  }

  /** {@link #run(String, List)} on {@code threads} intra-op threads (a shared runner's turn). */
  public ModelOutputs run(String method, List<HostTensor> arguments, int threads) {
    MethodSignature signature = model.info().requireMethod(method);
    checkArguments(signature, arguments);
    if (configuredThread != Thread.currentThread() || configuredThreads != threads) {
      TorchEngine.applyThreadLocalSettings(threads);
      configuredThread = Thread.currentThread();
      configuredThreads = threads;
    }
    PtNDManager scope = model.manager().newSubManager(model.manager().getDevice());
    try {
      IValue result = invoke(scope, method, arguments);
      try {
        return new ModelOutputs(
            scope, OutputNames.flatten(result, scope, model.info().file()), result.isMap());
      } finally {
        result.close();
      }
    } catch (RuntimeException e) {
      scope.close();
      throw e;
    }
  }

  private IValue invoke(PtNDManager scope, String method, List<HostTensor> arguments) {
    IValue[] inputs = new IValue[arguments.size()];
    try {
      for (int i = 0; i < inputs.length; i++) {
        HostTensor tensor = arguments.get(i);
        PtNDArray array =
            scope.create(tensor.data(), new Shape(tensor.shape()), DTypes.toDjl(tensor.dtype()));
        inputs[i] = IValue.from(array);
      }
      return runMethod(method, inputs);
    } catch (EngineException e) {
      throw new ModelExecutionException(
          "Model "
              + model.info().file()
              + " failed in "
              + method
              + "("
              + describe(arguments)
              + "): "
              + e.getMessage(),
          e);
    } finally {
      for (IValue input : inputs) {
        if (input != null) {
          input.close();
        }
      }
    }
  }

  private IValue runMethod(String method, IValue[] inputs) {
    if (!guardLstm) {
      return IValueUtils.runMethod(model.block(), method, inputs);
    }
    LstmGuard.enter();
    try {
      return IValueUtils.runMethod(model.block(), method, inputs);
    } finally {
      LstmGuard.exit();
    }
  }

  private void checkArguments(MethodSignature signature, List<HostTensor> arguments) {
    int required = signature.requiredArgumentCount();
    int declared = signature.arguments().size();
    if (arguments.size() < required || arguments.size() > declared) {
      throw new ModelExecutionException(
          "Model "
              + model.info().file()
              + ": "
              + signature.describe()
              + " takes "
              + (required == declared ? required : required + " to " + declared)
              + " argument(s), got "
              + arguments.size()
              + " ("
              + describe(arguments)
              + ")");
    }
    for (int i = 0; i < arguments.size(); i++) {
      MethodSignature.Argument argument = signature.arguments().get(i);
      if (!argument.isTensor() && !argument.type().equals("Any")) {
        throw new ModelExecutionException(
            "Model "
                + model.info().file()
                + ": argument "
                + argument.name()
                + " of "
                + signature.describe()
                + " is "
                + argument.type()
                + ", but torchbatch passes tensors only");
      }
    }
  }

  private static String describe(List<HostTensor> arguments) {
    return arguments.stream().map(HostTensor::describe).collect(Collectors.joining(", "));
  }
}
