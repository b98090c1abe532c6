package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.testing.ExpectedCalls;
import org.torchbatch.runtime.testing.Fixtures;

class ModelCacheTest {

  @Test
  void sameContentLoadsOnceEvenFromAnotherPath(@TempDir Path dir) throws Exception {
    ModelCache cache = new ModelCache(1);
    Path copy = Files.copy(Fixtures.archive("linear_traced"), dir.resolve("copy.pt"));
    try (ModelHandle first = cache.acquire(Fixtures.archive("linear_traced"), DeviceSpec.CPU);
        ModelHandle second = cache.acquire(copy, DeviceSpec.CPU)) {
      assertThat(cache.loads()).isEqualTo(1);
      assertThat(first.sha256()).isEqualTo(second.sha256());
    }
    cache.evictIdle();
    assertThat(cache.loadedModels()).isZero();
  }

  @Test
  void idleModelsStayLoadedUpToTheLimitThenCloseOldestFirst() {
    ModelCache cache = new ModelCache(1);
    cache.acquire(Fixtures.archive("linear_traced"), DeviceSpec.CPU).close();
    cache.acquire(Fixtures.archive("linear_traced"), DeviceSpec.CPU).close();
    assertThat(cache.loads()).isEqualTo(1);
    assertThat(cache.loadedModels()).isEqualTo(1);

    cache.acquire(Fixtures.archive("linear_scripted"), DeviceSpec.CPU).close();
    assertThat(cache.loadedModels()).isEqualTo(1);
    cache.acquire(Fixtures.archive("linear_traced"), DeviceSpec.CPU).close();
    assertThat(cache.loads()).isEqualTo(3);
    cache.evictIdle();
  }

  @Test
  void closingAHandleTwiceReleasesOnce() {
    ModelCache cache = new ModelCache(0);
    ModelHandle held = cache.acquire(Fixtures.archive("linear_traced"), DeviceSpec.CPU);
    ModelHandle other = cache.acquire(Fixtures.archive("linear_traced"), DeviceSpec.CPU);
    other.close();
    other.close();
    assertThat(cache.loadedModels()).isEqualTo(1);
    held.close();
    assertThat(cache.loadedModels()).isZero();
  }

  @Test
  void threadsShareOneModelWithARunnerEach() throws Exception {
    ModelCache cache = new ModelCache(1);
    ExpectedCalls.Call call = ExpectedCalls.of("traced_cell").calls().get(0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  try (ModelHandle model =
                      cache.acquire(Fixtures.archive("traced_cell"), DeviceSpec.CPU)) {
                    ModelRunner runner = model.newRunner();
                    for (int i = 0; i < 200; i++) {
                      try (ModelOutputs outputs = runner.run("forward", call.inputs())) {
                        for (String name : call.outputs().keySet()) {
                          HostTensor actual = outputs.get(name);
                          ExpectedCalls.assertMatches(name, actual, call.outputs().get(name));
                        }
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> result : results) {
        result.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(cache.loads()).isEqualTo(1);
    cache.evictIdle();
  }
}
