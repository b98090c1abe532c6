package org.torchbatch.runtime.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints torchbatch's version from the jar manifest with the DJL and libtorch it is built for. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"torchbatch " + torchbatchVersion(), "DJL 0.36.0, libtorch 2.7.1"};
  }

  /** From the jar manifest; a build from source classes has none. */
  public static String torchbatchVersion() {
    String version = VersionProvider.class.getPackage().getImplementationVersion();
    return version == null ? "(development build)" : version;
  }
}
