package org.torchbatch.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.testing.Fixtures;

/**
 * The main inside YARN's application master (cluster mode) ends as YARN judges an application: by
 * returning, or by throwing with the job's code and message; never by System.exit.
 */
class YarnClusterMainTest {
  @BeforeEach
  void asTheApplicationMasterSetsThem() {
    System.setProperty("spark.master", "yarn");
    System.setProperty("spark.submit.deployMode", "cluster");
  }

  @AfterEach
  void clear() {
    System.clearProperty("spark.master");
    System.clearProperty("spark.submit.deployMode");
  }

  @Test
  void aSuccessReturns() {
    assertThatCode(
            () ->
                TorchbatchJob.main(
                    new String[] {"inspect", Fixtures.archive("linear_traced").toString()}))
        .doesNotThrowAnyException();
  }

  @Test
  void aFailureThrowsWithItsExitCodeAndMessage() {
    assertThatThrownBy(() -> TorchbatchJob.main(new String[] {"inspect", "/no/such/model.pt"}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("torchbatch exited with code 3: no such file: /no/such/model.pt");
  }
}
