package org.opencdp.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./cdp logs [service]}: prints the last lines of {@code .cdp/logs/platform.log}, then
 * follows it like {@code tail -F} (a rolled-over file is reopened from its start). With a service,
 * only the lines it wrote: a text line names it in its fourth field ({@link LauncherLogging#FILE_PATTERN}),
 * a JSON line ({@code ./cdp up --json}) in its {@code service} field; the lines of a stack trace go
 * with the line they belong to.
 */
final class LogFollower {

    private static final Pattern TEXT_RECORD = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} .*");
    private static final long TAIL_BYTES = 4L * 1024 * 1024;
    private static final Duration POLL = Duration.ofMillis(250);

    private final Path file;
    private final String service;
    private final PrintStream out;
    /** Whether the record the next continuation line belongs to is shown. */
    private boolean showing;

    /** @param service a service's short name, {@code cdp}, or {@code null} for every line */
    LogFollower(Path file, String service, PrintStream out) {
        this.file = file;
        this.service = service;
        this.out = out;
    }

    /** Prints the last {@code lines} lines of the service, then, when {@code follow}, new ones until interrupted. */
    void run(int lines, boolean follow) throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new LauncherException("No log at " + file + ": run ./cdp up first (or give its --data-dir)");
        }
        Object fileKey = fileKey();
        long position;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long start = Math.max(0, size - TAIL_BYTES);
            Chunk chunk = read(channel, start, size);
            List<String> read = chunk.lines();
            if (start > 0 && !read.isEmpty()) {
                read = read.subList(1, read.size()); // the first one began before the start
            }
            Deque<String> last = new ArrayDeque<>();
            for (String line : read) {
                if (shown(line)) {
                    last.addLast(line);
                    if (last.size() > lines) {
                        last.removeFirst();
                    }
                }
            }
            last.forEach(out::println);
            out.flush();
            position = start + chunk.consumed();
        }
        while (follow) {
            Thread.sleep(POLL.toMillis());
            Object key = fileKey();
            if (key == null) {
                continue; // between the roll-over's rename and the new file
            }
            long size = Files.size(file);
            if (!Objects.equals(key, fileKey) || size < position) {
                fileKey = key; // rolled over or truncated: the new file from its start
                position = 0;
            }
            if (size > position) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    Chunk chunk = read(channel, position, size);
                    for (String line : chunk.lines()) {
                        if (shown(line)) {
                            out.println(line);
                        }
                    }
                    out.flush();
                    position += chunk.consumed();
                }
            }
        }
    }

    /** Whether the line is shown: a record of the service, or a line of a shown record's stack trace. */
    boolean shown(String line) {
        String tag = serviceOf(line);
        if (tag != null) {
            showing = service == null || service.equals(tag);
        }
        return showing || service == null;
    }

    /** The service a line's record names, or {@code null} when the line continues the previous record. */
    static String serviceOf(String text) {
        String line = text.stripTrailing();
        if (line.startsWith("{")) {
            try {
                JsonNode record = MessageCodec.mapper().readTree(line);
                JsonNode tag = record.get("service");
                return tag != null && tag.isString() ? tag.asString() : LauncherLogging.LAUNCHER_TAG;
            } catch (JacksonException notJson) {
                return null;
            }
        }
        if (TEXT_RECORD.matcher(line).matches()) {
            String[] fields = line.split("\\s+", 5);
            return fields.length > 3 ? fields[3] : LauncherLogging.LAUNCHER_TAG;
        }
        return null;
    }

    private Object fileKey() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.fileKey() != null ? attributes.fileKey() : attributes.creationTime();
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** The complete lines in {@code [from, to)} and how many bytes they took (a partial last line waits). */
    private static Chunk read(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, to - from));
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, from + buffer.position());
            if (n < 0) {
                break;
            }
        }
        byte[] bytes = buffer.array();
        int end = buffer.position();
        int lastNewline = -1;
        for (int i = end - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        if (lastNewline < 0) {
            return new Chunk(List.of(), 0);
        }
        String text = new String(bytes, 0, lastNewline, StandardCharsets.UTF_8);
        return new Chunk(new ArrayList<>(List.of(text.split("\r?\n", -1))), lastNewline + 1);
    }

    private record Chunk(List<String> lines, long consumed) {
    }
}
