package org.torchbatch.runtime.archive;

import java.util.List;

/**
 * One TorchScript class from the archive's {@code code/}: which attributes are parameters or
 * buffers, and its compiled methods in source order.
 */
record ClassSource(
    String qualifiedName,
    List<String> parameters,
    List<String> buffers,
    List<MethodSignature> methods) {}
