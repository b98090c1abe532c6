package org.torchbatch.runtime.engine;

/** One loaded model per archive content and device in a JVM. */
record ModelKey(String sha256, DeviceSpec device) {}
