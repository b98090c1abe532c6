package org.torchbatch.runtime.engine;

/**
 * Keeps oneDNN off while a call into a model that uses {@code aten::lstm} runs on the CPU. libtorch
 * 2.7.1 hands {@code aten::lstm} to oneDNN 3.7.1, whose AVX-512 RNN kernel computes different
 * numbers from PyTorch's on some CPUs (AMD EPYC Zen 4 among them); with oneDNN off, libtorch runs
 * its own LSTM, which matches. GRU and plain RNN layers never reach oneDNN, and its other kernels
 * (convolutions) match, so only these calls are guarded. The switch is process-wide: it stays off
 * while any guarded call is in flight and returns to what it was when the last one ends; other
 * models' calls in that window skip oneDNN too, slower but never different.
 */
final class LstmGuard {
  static final String OPERATOR = "aten::lstm";
  private static int inFlight;
  private static boolean restore;

  private LstmGuard() {}

  static synchronized void enter() {
    OneDnnSwitch oneDnn = OneDnnSwitch.get();
    if (inFlight == 0) {
      restore = oneDnn.enabled();
      oneDnn.setEnabled(false);
    }
    inFlight++;
  }

  static synchronized void exit() {
    inFlight--;
    if (inFlight == 0 && restore) {
      OneDnnSwitch.get().setEnabled(true);
    }
  }
}
