package org.torchbatch.runtime.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.torchbatch.runtime.testing.Fixtures;

/**
 * Archives as an attacker or a broken copy makes them, from real ones: bit flips, truncations,
 * swapped entries, forged sizes, zip and pickle bombs, deep nesting, path traversal.
 */
final class ArchiveMutants {
  /** Real archives the mutants start from (small ones: each try rewrites one). */
  static final List<String> SEEDS =
      List.of(
          "linear_traced",
          "scripted_export_ignore",
          "dict_output",
          "token_lstm",
          "multi_method",
          "calls_unused",
          "examples_mlp",
          "recurrent_mix");

  /** What a mutant does to its seed. */
  enum Kind {
    BIT_FLIPS,
    TRUNCATION,
    SWAPPED_ENTRIES,
    FORGED_SIZE,
    RANDOM_ENTRY,
    ZIP_BOMB,
    BYTES_BOMB,
    DEEP_NESTING,
    PATH_TRAVERSAL
  }

  private static final Map<String, byte[]> BOMBS = new java.util.HashMap<>();

  private ArchiveMutants() {}

  static byte[] mutate(String seed, Kind kind, long randomSeed) {
    Random random = new Random(randomSeed);
    byte[] original = bytes(Fixtures.archive(seed));
    return switch (kind) {
      case BIT_FLIPS -> flipBits(original, random);
      case TRUNCATION -> java.util.Arrays.copyOf(original, random.nextInt(original.length));
      case SWAPPED_ENTRIES -> swapEntries(original, random);
      case FORGED_SIZE -> forgeSize(original, random);
      case RANDOM_ENTRY -> replaceEntry(original, random, randomBytes(random, random.nextInt(64)));
      case ZIP_BOMB -> zipBomb(seed, original, random);
      case BYTES_BOMB -> replacePickle(original, bytesBomb(random));
      case DEEP_NESTING -> replacePickle(original, deepNesting(random));
      case PATH_TRAVERSAL -> addEntry(original, "../../evil" + random.nextInt(9), new byte[] {1});
    };
  }

  private static byte[] flipBits(byte[] original, Random random) {
    byte[] copy = original.clone();
    for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
      int at = random.nextInt(copy.length);
      copy[at] ^= (byte) (1 << random.nextInt(8));
    }
    return copy;
  }

  /** Every entry's name and inflated bytes, in zip order. */
  private static Map<String, byte[]> entries(byte[] archive) {
    // torch.jit.save writes stored entries with data descriptors, which only the central
    // directory (ZipFile, not ZipInputStream) reads
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try {
      Path file = Files.createTempFile("seed-", ".pt");
      try {
        Files.write(file, archive);
        try (ZipFile zip = new ZipFile(file.toFile())) {
          for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
            entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
          }
        }
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  private static byte[] zip(Map<String, byte[]> entries, String deflated) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        ZipEntry zipEntry = new ZipEntry(entry.getKey());
        if (!entry.getKey().equals(deflated)) {
          zipEntry.setMethod(ZipEntry.STORED);
          zipEntry.setSize(entry.getValue().length);
          CRC32 crc = new CRC32();
          crc.update(entry.getValue());
          zipEntry.setCrc(crc.getValue());
        }
        out.putNextEntry(zipEntry);
        out.write(entry.getValue());
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] swapEntries(byte[] original, Random random) {
    Map<String, byte[]> entries = entries(original);
    List<String> names = new ArrayList<>(entries.keySet());
    String a = names.get(random.nextInt(names.size()));
    String b = names.get(random.nextInt(names.size()));
    byte[] first = entries.get(a);
    entries.put(a, entries.get(b));
    entries.put(b, first);
    return zip(entries, null);
  }

  /** A size field of a local or central header overwritten with a random value. */
  private static byte[] forgeSize(byte[] original, Random random) {
    byte[] copy = original.clone();
    List<Integer> fields = new ArrayList<>();
    for (int i = 0; i + 30 < copy.length; i++) {
      if (copy[i] == 'P' && copy[i + 1] == 'K' && copy[i + 2] == 3 && copy[i + 3] == 4) {
        fields.add(i + 18 + 4 * random.nextInt(2));
      } else if (copy[i] == 'P' && copy[i + 1] == 'K' && copy[i + 2] == 1 && copy[i + 3] == 2) {
        fields.add(i + 20 + 4 * random.nextInt(2));
      }
    }
    int at = fields.get(random.nextInt(fields.size()));
    int value = random.nextBoolean() ? random.nextInt() : Integer.MAX_VALUE;
    for (int b = 0; b < 4; b++) {
      copy[at + b] = (byte) (value >>> (8 * b));
    }
    return copy;
  }

  /** One entry (not a tensor's) replaced by {@code data}. */
  private static byte[] replaceEntry(byte[] original, Random random, byte[] data) {
    Map<String, byte[]> entries = entries(original);
    String name = readEntry(entries, random);
    entries.put(name, data);
    return zip(entries, null);
  }

  private static String readEntry(Map<String, byte[]> entries, Random random) {
    List<String> names = new ArrayList<>(entries.keySet());
    names.removeIf(n -> n.contains("/data/"));
    return names.get(random.nextInt(names.size()));
  }

  /** One entry replaced by 80 MiB of zeros, deflated: made once per seed and entry. */
  private static synchronized byte[] zipBomb(String seed, byte[] original, Random random) {
    Map<String, byte[]> entries = entries(original);
    String name = readEntry(entries, random);
    return BOMBS.computeIfAbsent(
        seed + "|" + name,
        unused -> {
          entries.put(name, new byte[80 << 20]);
          return zip(entries, name);
        });
  }

  private static byte[] replacePickle(byte[] original, byte[] pickle) {
    Map<String, byte[]> entries = entries(original);
    String name =
        entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
    entries.put(name, pickle);
    return zip(entries, null);
  }

  private static byte[] addEntry(byte[] original, String relative, byte[] data) {
    Map<String, byte[]> entries = entries(original);
    String root = entries.keySet().iterator().next();
    entries.put(root.substring(0, root.indexOf('/') + 1) + relative, data);
    return zip(entries, null);
  }

  /** A pickle whose string or bytes opcode declares far more than it holds. */
  private static byte[] bytesBomb(Random random) {
    int[] opcodes = {'B', 'T', 'X', 0x8e, 0x8d, 0x96, 0x8b};
    int opcode = opcodes[random.nextInt(opcodes.length)];
    int width = opcode == 0x8e || opcode == 0x8d || opcode == 0x96 ? 8 : 4;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80);
    out.write(4);
    out.write(opcode);
    long length = random.nextBoolean() ? (1L << 31) - 1 : random.nextLong();
    for (int b = 0; b < width; b++) {
      out.write((int) (length >>> (8 * b)));
    }
    out.write('.');
    return out.toByteArray();
  }

  /** Lists inside lists, tens of thousands deep, then a dict keyed by them. */
  private static byte[] deepNesting(Random random) {
    int depth = 10_000 + random.nextInt(50_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80);
    out.write(2);
    for (int i = 0; i < depth; i++) {
      out.write(']');
    }
    for (int i = 1; i < depth; i++) {
      out.write('a');
    }
    if (random.nextBoolean()) {
      out.write('}');
      out.write(0x88);
      out.write('s');
    }
    out.write('.');
    return out.toByteArray();
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
