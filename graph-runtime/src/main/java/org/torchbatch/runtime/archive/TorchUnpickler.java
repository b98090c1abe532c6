package org.torchbatch.runtime.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.torchbatch.runtime.DType;

/**
 * Reads the pickles inside TorchScript and torch.save archives without Python or libtorch.
 *
 * <p>Classes become {@link PickledObject}s, tensors become {@link TensorRef}s and dicts keep their
 * order, so nothing in a pickle needs a registered Java class.
 */
final class TorchUnpickler extends Unpickler {

  /** The persistent id of a tensor's storage: {@code ('storage', torch.XStorage, key, ...)}. */
  private record StorageRef(DType dtype, String key) {}

  /** A {@code torch.XStorage} class reference, resolved to its dtype. */
  private record StorageClass(String name, DType dtype) {}

  static Object load(byte[] pickle) throws IOException {
    TorchUnpickler unpickler = new TorchUnpickler();
    try {
      return unpickler.loads(pickle);
    } finally {
      unpickler.close();
    }
  }

  @Override
  protected Object dispatch(short key) throws IOException {
    checkLength(key);
    switch (key) {
      case Opcodes.GLOBAL:
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(resolveGlobal(module, name));
        return NO_RETURN_VALUE;
      case Opcodes.STACK_GLOBAL:
        String stackName = (String) stack.pop();
        String stackModule = (String) stack.pop();
        stack.add(resolveGlobal(stackModule, stackName));
        return NO_RETURN_VALUE;
      case Opcodes.BUILD:
        Object state = stack.pop();
        if (stack.peek() instanceof PickledObject target) {
          target.setState(state);
        }
        return NO_RETURN_VALUE;
      case Opcodes.EMPTY_DICT:
        stack.add(new LinkedHashMap<>());
        return NO_RETURN_VALUE;
      case Opcodes.SETITEMS:
        putInOrder(stack.pop_all_since_marker());
        return NO_RETURN_VALUE;
      default:
        return super.dispatch(key);
    }
  }

  /**
   * A string, bytes or long opcode declares its length before its data: a length past the pickle's
   * end is a forgery (20 bytes can declare 2 GB), refused before anything is allocated.
   */
  private void checkLength(short key) throws IOException {
    int width =
        switch (key) {
          case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.LONG4 -> 4;
          case Opcodes.BINBYTES8, Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8 -> 8;
          default -> 0;
        };
    if (width == 0) {
      return;
    }
    input.mark(width);
    byte[] bytes = input.readNBytes(width);
    input.reset();
    long length = 0;
    for (int i = bytes.length - 1; i >= 0; i--) {
      length = (length << 8) | (bytes[i] & 0xff);
    }
    if (bytes.length < width || length < 0 || length > input.available() - width) {
      throw new PickleException(
          "opcode 0x"
              + Integer.toHexString(key)
              + " declares "
              + length
              + " bytes where "
              + Math.max(0, input.available() - width)
              + " remain");
    }
  }

  @SuppressWarnings("unchecked")
  private void putInOrder(List<Object> keysAndValues) {
    Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
    for (int i = 0; i + 1 < keysAndValues.size(); i += 2) {
      dict.put(keysAndValues.get(i), keysAndValues.get(i + 1));
    }
  }

  @Override
  protected Object persistentLoad(Object pid) {
    if (pid instanceof Object[] parts
        && parts.length >= 3
        && "storage".equals(parts[0])
        && parts[1] instanceof StorageClass storage) {
      if (storage.dtype() == null) {
        throw new PickleException("tensor storage of unsupported type torch." + storage.name());
      }
      return new StorageRef(storage.dtype(), String.valueOf(parts[2]));
    }
    throw new PickleException("unexpected persistent id " + describe(pid));
  }

  private static Object resolveGlobal(String module, String name) {
    if (module.equals("torch") && name.endsWith("Storage")) {
      return new StorageClass(name, DType.fromStorageClass(name));
    }
    if (module.equals("torch._utils") && name.startsWith("_rebuild_tensor")) {
      return (IObjectConstructor) TorchUnpickler::rebuildTensor;
    }
    if (module.equals("collections") && name.equals("OrderedDict")) {
      return (IObjectConstructor) args -> new LinkedHashMap<>();
    }
    if (module.equals("torch.jit._pickle")) {
      // restore_type_tag(value, type) and build_*list(values) wrap a value that is already built
      return (IObjectConstructor) args -> args.length > 0 ? args[0] : null;
    }
    String className = module + "." + name;
    return (IObjectConstructor)
        args -> new PickledObject(className, new ArrayList<>(Arrays.asList(args)));
  }

  private static Object rebuildTensor(Object[] args) {
    if (args.length < 3 || !(args[0] instanceof StorageRef storage)) {
      throw new PickleException("malformed tensor record " + describe(args));
    }
    List<Long> shape = new ArrayList<>();
    for (Object dim : (Object[]) args[2]) {
      shape.add(((Number) dim).longValue());
    }
    long offset = ((Number) args[1]).longValue();
    return new TensorRef(storage.dtype(), storage.key(), offset, List.copyOf(shape));
  }

  private static String describe(Object value) {
    return value instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(value);
  }
}
