package org.torchbatch.runtime.archive;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operators serialized TorchScript calls: {@code torch.lstm(...)} is {@code aten::lstm}, {@code
 * ops.prim.NumToTensor(...)} is {@code prim::NumToTensor}, {@code ops.my_ops.f(...)} a custom
 * operator {@code my_ops::f}.
 */
final class OperatorCalls {
  private static final Pattern STRING =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern ATEN = Pattern.compile("(?<![\\w.])torch\\.(\\w+)\\s*\\(");
  private static final Pattern NAMESPACED =
      Pattern.compile("(?<![\\w.])(?:torch\\.)?ops\\.(\\w+)\\.(\\w+)\\s*\\(");
  // constructors the serializer prints in torch's namespace that are no operator calls
  private static final Set<String> NOT_OPERATORS = Set.of("device", "dtype", "layout");

  private OperatorCalls() {}

  /** The qualified operator names {@code code} calls, sorted. */
  static Set<String> in(String code) {
    String withoutStrings = STRING.matcher(code).replaceAll("\"\"");
    Set<String> operators = new TreeSet<>();
    Matcher aten = ATEN.matcher(withoutStrings);
    while (aten.find()) {
      if (!NOT_OPERATORS.contains(aten.group(1))) {
        operators.add("aten::" + aten.group(1));
      }
    }
    Matcher namespaced = NAMESPACED.matcher(withoutStrings);
    while (namespaced.find()) {
      operators.add(namespaced.group(1) + "::" + namespaced.group(2));
    }
    return operators;
  }
}
