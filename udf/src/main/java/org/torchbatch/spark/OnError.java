package org.torchbatch.spark;

import java.util.Locale;
import org.torchbatch.runtime.TorchbatchException;

/**
 * What a row the model cannot predict does: fails the task ({@code fail}, the default), or gets a
 * null prediction while the other rows of its batch get theirs ({@code null}); {@code quarantine}
 * (the batch job's) also returns each such row's error, in the field {@link #ERROR_FIELD}.
 */
public enum OnError {
  FAIL,
  NULL,
  QUARANTINE;

  /** The field of predict's struct result that carries a row's error under quarantine. */
  public static final String ERROR_FIELD = "_torchbatch_error";

  static OnError parse(String key, String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TorchbatchException(
          key + " must be fail, null or quarantine, got '" + value + "'", e);
    }
  }
}
