package org.torchbatch.runtime.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * libtorch's process-wide oneDNN switch ({@code at::Context::setUserEnabledMkldnn}, what {@code
 * torch.backends.mkldnn.enabled} sets in Python). DJL does not expose it, so it is called through
 * JNA on the {@code libtorch_cpu.so} this process already loaded. The only native calls torchbatch
 * makes outside DJL live here.
 */
final class OneDnnSwitch {
  private static final String LIBRARY = "libtorch_cpu.so";
  private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
  private static final String IS_ENABLED = "_ZNK2at7Context17userEnabledMkldnnEv";
  private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledMkldnnEb";
  private static OneDnnSwitch instance;

  private final Pointer context;
  private final Function isEnabled;
  private final Function setEnabled;

  private OneDnnSwitch(NativeLibrary library) {
    this.context = library.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
    this.isEnabled = library.getFunction(IS_ENABLED);
    this.setEnabled = library.getFunction(SET_ENABLED);
  }

  /** The switch of the libtorch this JVM runs, starting the engine if nobody did. */
  static synchronized OneDnnSwitch get() {
    if (instance == null) {
      TorchEngine.settings();
      try {
        instance = new OneDnnSwitch(NativeLibrary.getInstance(loadedLibrary().toString()));
      } catch (UnsatisfiedLinkError | IOException e) {
        throw new NativeLibraryException(
            "Cannot reach libtorch's oneDNN switch (at::Context::setUserEnabledMkldnn in "
                + LIBRARY
                + "), which torchbatch needs to run aten::lstm right on every CPU: "
                + e.getMessage(),
            e);
      }
    }
    return instance;
  }

  boolean enabled() {
    return (isEnabled.invokeInt(new Object[] {context}) & 0xff) != 0;
  }

  void setEnabled(boolean enabled) {
    setEnabled.invokeVoid(new Object[] {context, (byte) (enabled ? 1 : 0)});
  }

  /** The file DJL loaded libtorch from (its extraction cache, or PYTORCH_LIBRARY_PATH). */
  private static Path loadedLibrary() throws IOException {
    List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
    for (String line : maps) {
      int path = line.indexOf('/');
      if (path >= 0 && line.endsWith("/" + LIBRARY)) {
        return Path.of(line.substring(path));
      }
    }
    throw new IOException(LIBRARY + " is not mapped into this process");
  }
}
