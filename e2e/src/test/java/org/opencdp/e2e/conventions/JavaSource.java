package org.opencdp.e2e.conventions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Java source file split as the compiler sees it: its code without comments and string
 * contents, and its string literals, so a rule looks at code or at literals and never at prose.
 *
 * @param file the file, relative to the repository root
 * @param code the text with every comment blanked and every string, text block and char literal
 *     emptied ({@code ""}, {@code ''}); line breaks are kept, so offsets map to the same lines
 * @param literals every string literal's content (escapes as written), text blocks excluded
 */
record JavaSource(Path file, String code, List<Literal> literals) {

    /** A string literal and the line it starts on. */
    record Literal(String value, int line) {
    }

    static JavaSource read(Path root, Path file) {
        try {
            return parse(root.relativize(file), Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    static JavaSource parse(Path file, String text) {
        StringBuilder code = new StringBuilder(text.length());
        List<Literal> literals = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? text.length() : end + 2;
                line += blank(text, i, end, code);
                i = end;
            } else if (text.startsWith("\"\"\"", i)) {
                int end = closing(text, i + 3, "\"\"\"");
                code.append("\"\"");
                line += blank(text, i, end, code);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = closing(text, i + 1, String.valueOf(c));
                if (c == '"') {
                    literals.add(new Literal(text.substring(i + 1, end - 1), line));
                }
                code.append(c).append(c);
                i = end;
            } else {
                if (c == '\n') {
                    line++;
                }
                code.append(c);
                i++;
            }
        }
        return new JavaSource(file, code.toString(), List.copyOf(literals));
    }

    /** The line of {@code offset} in {@link #code}. */
    int lineOf(int offset) {
        return (int) code.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The index just past the unescaped {@code quote} that closes a literal whose content starts at {@code from}. */
    private static int closing(String text, int from, String quote) {
        int i = from;
        while (i < text.length() && !text.startsWith(quote, i)) {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + quote.length(), text.length());
    }

    /** Writes the line breaks of {@code text[from, to)} to {@code code}, and returns how many there were. */
    private static int blank(String text, int from, int to, StringBuilder code) {
        int breaks = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                code.append('\n');
                breaks++;
            }
        }
        return breaks;
    }
}
