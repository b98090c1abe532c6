package org.torchbatch.bridge;

import java.util.Locale;

/** What a row with a null in a model input does. */
public enum NullPolicy {
  /** Fail the batch with an error naming the column and the row. */
  FAIL,
  /** Skip the row: its outputs are null, the other rows are unaffected. */
  NULL;

  public static NullPolicy parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Unknown null policy '" + text + "': use fail or null", e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
