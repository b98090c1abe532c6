package org.torchbatch.bridge;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Gives each test a child allocator; closing it throws if the test leaked any Arrow memory. */
abstract class AllocatorTest {
  private static final BufferAllocator ROOT = new RootAllocator();
  protected BufferAllocator allocator;
  protected Columns columns;

  @BeforeEach
  void openAllocator() {
    allocator = ROOT.newChildAllocator(getClass().getSimpleName(), 0, Long.MAX_VALUE);
    columns = new Columns(allocator);
  }

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }
}
