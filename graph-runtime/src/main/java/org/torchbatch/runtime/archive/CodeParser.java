package org.torchbatch.runtime.archive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the Python-syntax TorchScript that {@code torch.jit.save} writes under {@code code/}.
 *
 * <p>It reads only the shapes torch's serializer prints: {@code class X(Module):} at column 0,
 * {@code __parameters__}/{@code __buffers__} lists, and {@code def} blocks indented by two spaces.
 */
final class CodeParser {
  private static final Pattern CLASS_LINE = Pattern.compile("^class (\\w+)\\(.*\\):\\s*$");
  private static final Pattern NAME_LIST =
      Pattern.compile("^  (__parameters__|__buffers__) = \\[(.*)]\\s*$");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  private CodeParser() {}

  /**
   * Parses one code file.
   *
   * @param modulePrefix the qualified module the file defines, e.g. {@code __torch__.torch.nn}
   * @param source the file's text
   */
  static Map<String, ClassSource> parse(String modulePrefix, String source) {
    Map<String, ClassSource> classes = new LinkedHashMap<>();
    String[] lines = source.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      Matcher header = CLASS_LINE.matcher(lines[i]);
      if (!header.matches()) {
        i++;
        continue;
      }
      int end = i + 1;
      while (end < lines.length && (lines[end].isBlank() || lines[end].startsWith(" "))) {
        end++;
      }
      String name = modulePrefix + "." + header.group(1);
      classes.put(name, parseClass(name, lines, i + 1, end));
      i = end;
    }
    return classes;
  }

  private static ClassSource parseClass(String name, String[] lines, int from, int to) {
    List<String> parameters = new ArrayList<>();
    List<String> buffers = new ArrayList<>();
    List<MethodSignature> methods = new ArrayList<>();
    int i = from;
    while (i < to) {
      String line = lines[i];
      Matcher names = NAME_LIST.matcher(line);
      if (names.matches()) {
        List<String> target = names.group(1).equals("__parameters__") ? parameters : buffers;
        Matcher quoted = QUOTED.matcher(names.group(2));
        while (quoted.find()) {
          target.add(quoted.group(1));
        }
        i++;
      } else if (line.startsWith("  def ")) {
        int end = endOfBlock(lines, i, to);
        MethodSignature method = parseMethod(lines, i, end);
        if (!isDunder(method.name())) {
          methods.add(method);
        }
        i = end;
      } else {
        i++;
      }
    }
    return new ClassSource(name, List.copyOf(parameters), List.copyOf(buffers), methods);
  }

  private static boolean isDunder(String name) {
    return name.startsWith("__") && name.endsWith("__");
  }

  private static int endOfBlock(String[] lines, int defLine, int limit) {
    int end = defLine + 1;
    while (end < limit && (lines[end].isBlank() || lines[end].startsWith("   "))) {
      end++;
    }
    return end;
  }

  private static MethodSignature parseMethod(String[] lines, int from, int to) {
    StringBuilder code = new StringBuilder();
    for (int i = from; i < to; i++) {
      code.append(lines[i].length() >= 2 ? lines[i].substring(2) : lines[i].strip()).append('\n');
    }
    String text = code.toString();
    int open = text.indexOf('(');
    int close = matchingParen(text, open);
    String name = text.substring("def ".length(), open).strip();
    String afterArgs = text.substring(close + 1);
    int colon = topLevelColon(afterArgs);
    String returnType =
        afterArgs.substring(0, colon).strip().replaceFirst("^->", "").strip().replace("\n", "");
    List<MethodSignature.Argument> arguments = new ArrayList<>();
    List<String> declared = splitTopLevel(text.substring(open + 1, close));
    for (String argument : declared.subList(Math.min(1, declared.size()), declared.size())) {
      arguments.add(parseArgument(argument));
    }
    return new MethodSignature(
        name,
        List.copyOf(arguments),
        returnType.isEmpty() ? "Any" : returnType,
        text.stripTrailing());
  }

  private static MethodSignature.Argument parseArgument(String declaration) {
    int colon = declaration.indexOf(':');
    if (colon < 0) {
      return new MethodSignature.Argument(declaration.strip(), "Any", null);
    }
    String name = declaration.substring(0, colon).strip();
    String rest = declaration.substring(colon + 1);
    int equals = topLevelIndexOf(rest, '=');
    if (equals < 0) {
      return new MethodSignature.Argument(name, rest.strip(), null);
    }
    return new MethodSignature.Argument(
        name, rest.substring(0, equals).strip(), rest.substring(equals + 1).strip());
  }

  private static int matchingParen(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    throw new IllegalArgumentException("unbalanced parentheses in: " + text);
  }

  private static int topLevelColon(String text) {
    int colon = topLevelIndexOf(text, ':');
    return colon < 0 ? text.length() : colon;
  }

  private static int topLevelIndexOf(String text, char wanted) {
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\'') {
        quoted = !quoted;
      } else if (!quoted && (c == '(' || c == '[' || c == '{')) {
        depth++;
      } else if (!quoted && (c == ')' || c == ']' || c == '}')) {
        depth--;
      } else if (!quoted && depth == 0 && c == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    String rest = text;
    int comma;
    while ((comma = topLevelIndexOf(rest, ',')) >= 0) {
      parts.add(rest.substring(0, comma));
      rest = rest.substring(comma + 1);
    }
    parts.add(rest);
    parts.removeIf(String::isBlank);
    return parts;
  }
}
