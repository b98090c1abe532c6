package org.torchbatch.runtime.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a TorchScript archive's methods, tensors and metadata in pure Java: no libtorch, no Python.
 * This is what the driver uses to check a model before any task runs.
 */
public final class ArchiveReader {
  /**
   * The newest serialization format libtorch 2.7.1 reads (caffe2 kMaxSupportedFileFormatVersion).
   */
  public static final long MAX_FORMAT_VERSION = 10;

  private static final long MIN_FORMAT_VERSION = 1;
  private static final int MAX_EXTRA_TEXT = 64 * 1024;

  private ArchiveReader() {}

  /**
   * What the archive holds, or an {@link ArchiveException} that says why it cannot be used: the
   * bytes are untrusted, so anything else they make the parsers throw is one too.
   */
  public static ArchiveInfo read(Path archive) {
    try (ArchiveZip zip = ArchiveZip.open(archive)) {
      return read(zip);
    } catch (ArchiveException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new ArchiveException(
          archive.getFileName()
              + " is not a readable TorchScript archive ("
              + e
              + "): save it again with torch.jit.save",
          e);
    }
  }

  /** Reads an archive from a stream, spooled to a temporary file that is deleted afterwards. */
  public static ArchiveInfo read(InputStream in, String name) throws IOException {
    Path spool = Files.createTempFile("torchbatch-archive-", ".pt");
    try {
      Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
      Path named = spool.resolveSibling(spool.getFileName() + "-" + Path.of(name).getFileName());
      Files.move(spool, named);
      spool = named;
      return read(spool);
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  private static ArchiveInfo read(ArchiveZip zip) {
    if (!zip.has("data.pkl")) {
      throw new ArchiveException(
          zip.fileName()
              + " is a zip but not a PyTorch archive (no data.pkl in it): "
              + NotTorchScript.HOW_TO_SAVE);
    }
    if (zip.list("code/").isEmpty()) {
      throw NotTorchScript.explain(zip.fileName(), unpickle(zip, "data.pkl"));
    }
    long version = formatVersion(zip);
    Set<String> operators = new TreeSet<>();
    Map<String, ClassSource> classes = parseCode(zip, operators);
    Object root = unpickle(zip, "data.pkl");
    if (!(root instanceof PickledObject module) || !module.isTorchScriptClass()) {
      throw new ArchiveException(
          zip.fileName() + " has code/ but its data.pkl is not a TorchScript module");
    }
    ClassSource rootSource = classes.get(module.className());
    if (rootSource == null) {
      throw new ArchiveException(
          zip.fileName() + " is incomplete: code for " + module.className() + " is missing");
    }
    List<TensorInfo> tensors = new ArrayList<>();
    collectTensors(
        zip.fileName(),
        "",
        module,
        classes,
        tensors,
        Collections.newSetFromMap(new IdentityHashMap<>()));
    collectConstants(zip, tensors);
    return new ArchiveInfo(
        zip.fileName(),
        version,
        module.className(),
        forwardFirst(rootSource.methods()),
        List.copyOf(tensors),
        extraFiles(zip),
        tracedInputs(zip),
        Collections.unmodifiableSet(operators),
        zip.has("byteorder") ? "PyTorch 2.1 or newer" : "PyTorch 2.0 or older");
  }

  private static long formatVersion(ArchiveZip zip) {
    String entry = zip.has("version") ? "version" : ".data/version";
    if (!zip.has(entry)) {
      throw new ArchiveException(
          zip.fileName() + " has no version record: it is not a complete archive");
    }
    String text = new String(zip.read(entry), StandardCharsets.UTF_8).strip();
    long version;
    try {
      version = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ArchiveException(
          zip.fileName() + " has an unreadable version record '" + text + "'", e);
    }
    if (version < MIN_FORMAT_VERSION || version > MAX_FORMAT_VERSION) {
      throw new ArchiveException(
          zip.fileName()
              + " was written in serialization format version "
              + version
              + ", but this runtime (libtorch 2.7.1) reads versions "
              + MIN_FORMAT_VERSION
              + " to "
              + MAX_FORMAT_VERSION
              + ": save the model with a PyTorch release that writes a supported version");
    }
    return version;
  }

  private static Map<String, ClassSource> parseCode(ArchiveZip zip, Set<String> operators) {
    Map<String, ClassSource> classes = new LinkedHashMap<>();
    for (String name : zip.list("code/")) {
      if (name.endsWith(".py")) {
        String module = name.substring(0, name.length() - ".py".length()).replace('/', '.');
        String source = new String(zip.read("code/" + name), StandardCharsets.UTF_8);
        classes.putAll(CodeParser.parse(module, source));
        operators.addAll(OperatorCalls.in(source));
      }
    }
    return classes;
  }

  private static Object unpickle(ArchiveZip zip, String entry) {
    try {
      return TorchUnpickler.load(zip.read(entry));
    } catch (ArchiveException e) {
      throw e;
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new ArchiveException(
          zip.fileName() + " has an unreadable " + entry + ": " + e.getMessage(), e);
    }
  }

  private static void collectTensors(
      String file,
      String prefix,
      PickledObject module,
      Map<String, ClassSource> classes,
      List<TensorInfo> out,
      Set<Object> visited) {
    if (!visited.add(module)) {
      return;
    }
    long maxDepth = ArchiveLimits.current().maxDepth();
    if (prefix.chars().filter(c -> c == '.').count() > maxDepth) {
      throw ArchiveLimits.exceeded(
          file, "nests modules deeper than its limit", ArchiveLimits.MAX_DEPTH, maxDepth);
    }
    ClassSource source = classes.get(module.className());
    for (Map.Entry<String, Object> attribute : module.attributes().entrySet()) {
      String name = prefix + attribute.getKey();
      Object value = attribute.getValue();
      if (value instanceof TensorRef tensor) {
        out.add(info(name, kindOf(attribute.getKey(), source), tensor));
      } else if (value instanceof PickledObject child && child.isTorchScriptClass()) {
        collectTensors(file, name + ".", child, classes, out, visited);
      } else if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof TensorRef tensor) {
            out.add(info(name + "." + i, TensorInfo.Kind.ATTRIBUTE, tensor));
          }
        }
      }
    }
  }

  private static TensorInfo.Kind kindOf(String attribute, ClassSource source) {
    if (source != null && source.parameters().contains(attribute)) {
      return TensorInfo.Kind.PARAMETER;
    }
    if (source != null && source.buffers().contains(attribute)) {
      return TensorInfo.Kind.BUFFER;
    }
    return TensorInfo.Kind.ATTRIBUTE;
  }

  private static TensorInfo info(String name, TensorInfo.Kind kind, TensorRef tensor) {
    return new TensorInfo(
        name, kind, tensor.dtype(), tensor.shape(), tensor.numel() * tensor.dtype().byteSize());
  }

  private static void collectConstants(ArchiveZip zip, List<TensorInfo> out) {
    if (!zip.has("constants.pkl")) {
      return;
    }
    if (unpickle(zip, "constants.pkl") instanceof Object[] constants) {
      for (int i = 0; i < constants.length; i++) {
        if (constants[i] instanceof TensorRef tensor) {
          out.add(info("CONSTANTS.c" + i, TensorInfo.Kind.CONSTANT, tensor));
        }
      }
    }
  }

  private static List<TracedInput> tracedInputs(ArchiveZip zip) {
    if (!zip.has("traced_inputs.pkl")) {
      return List.of();
    }
    List<TracedInput> inputs = new ArrayList<>();
    if (unpickle(zip, "traced_inputs.pkl") instanceof Map<?, ?> byMethod) {
      for (Map.Entry<?, ?> method : byMethod.entrySet()) {
        if (method.getValue() instanceof List<?> values) {
          for (int i = 0; i < values.size(); i++) {
            if (values.get(i) instanceof TensorRef tensor) {
              inputs.add(
                  new TracedInput(
                      String.valueOf(method.getKey()), i, tensor.dtype(), tensor.shape()));
            }
          }
        }
      }
    }
    return List.copyOf(inputs);
  }

  private static Map<String, String> extraFiles(ArchiveZip zip) {
    Map<String, String> extra = new LinkedHashMap<>();
    for (String name : zip.list("extra/")) {
      long size = zip.size("extra/" + name);
      extra.put(
          name, size <= MAX_EXTRA_TEXT ? textOrSize(zip.read("extra/" + name)) : size + " bytes");
    }
    return Collections.unmodifiableMap(extra);
  }

  private static String textOrSize(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return bytes.length + " bytes";
    }
  }

  private static List<MethodSignature> forwardFirst(List<MethodSignature> methods) {
    List<MethodSignature> ordered = new ArrayList<>(methods);
    ordered.sort(
        (a, b) -> Boolean.compare(!a.name().equals("forward"), !b.name().equals("forward")));
    return List.copyOf(ordered);
  }
}
