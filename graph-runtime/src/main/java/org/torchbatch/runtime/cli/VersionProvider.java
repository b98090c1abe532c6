package org.torchbatch.runtime.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints torchbatch's version from the jar manifest with the DJL and libtorch it is built for. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {
      "torchbatch " + (version == null ? "(development build)" : version),
      "DJL 0.36.0, libtorch 2.7.1"
    };
  }
}
