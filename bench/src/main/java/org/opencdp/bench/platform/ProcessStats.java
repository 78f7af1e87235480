package org.opencdp.bench.platform;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU and memory from {@code /proc} (Linux): the machine's busy time ({@code /proc/stat}), the
 * bench's own CPU time (the load generator), the platform JVM's CPU time and resident memory ({@code /proc/<pid>/stat}, {@code /status}), and
 * PostgreSQL's CPU time: its postmaster and every live child (the backends), plus what exited
 * children left in the postmaster's {@code cutime}. Anything that cannot be read counts as 0.
 */
final class ProcessStats {

    /** Cumulative CPU seconds and current resident memory at {@code nanoTime}. */
    record Snapshot(long nanoTime, double machineBusySeconds, double machineTotalSeconds, double jvmCpuSeconds,
                    double postgresCpuSeconds, long jvmRssBytes, double benchCpuSeconds,
                    Map<String, Double> jvmThreadSeconds) {
    }

    /**
     * The platform JVM's threads by what they do, from their names ({@code /proc/<pid>/task/<tid>/comm},
     * the first 15 characters): the JIT compilers, the garbage collector, the Kafka broker, and the
     * Tracking API's request threads (Tomcat's, named after ingestion's port). The rest is the six
     * services' consumers, relays and other APIs, which their thread names do not tell apart.
     */
    static Map<String, List<String>> threadGroups(int ingestionPort) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        groups.put("jit", List.of("C1 CompilerThre", "C2 CompilerThre"));
        groups.put("gc", List.of("GC Thread", "G1 "));
        groups.put("broker", List.of("data-plane-kafk", "group-coordinat", "ExpirationReape", "kafka-1-raft", "broker-1-",
                "controller-1-", "executor-", "kafka-scheduler", "transaction-log", "share-coordinat"));
        groups.put("ingestion-http", List.of(("http-nio-" + ingestionPort + "-").substring(0,
                Math.min(15, ("http-nio-" + ingestionPort + "-").length()))));
        return groups;
    }

    private static final double TICKS_PER_SECOND = clockTicks();

    private final OptionalLong jvmPid;
    private final OptionalLong postgresPid;
    private final Map<String, List<String>> threadGroups;

    ProcessStats(OptionalLong jvmPid, OptionalLong postgresPid, Map<String, List<String>> threadGroups) {
        this.jvmPid = jvmPid;
        this.postgresPid = postgresPid;
        this.threadGroups = threadGroups;
    }

    OptionalLong jvmPid() {
        return jvmPid;
    }

    OptionalLong postgresPid() {
        return postgresPid;
    }

    Snapshot snapshot() {
        long now = System.nanoTime();
        double[] machine = machineSeconds();
        double jvm = 0;
        long rss = 0;
        if (jvmPid.isPresent()) {
            long[] stat = pidStat(jvmPid.getAsLong());
            jvm = (stat[1] + stat[2]) / TICKS_PER_SECOND;
            rss = statusKilobytes(jvmPid.getAsLong(), "VmRSS:") * 1024;
        }
        long[] bench = pidStat(ProcessHandle.current().pid());
        return new Snapshot(now, machine[0], machine[1], jvm, postgresSeconds(), rss,
                (bench[1] + bench[2]) / TICKS_PER_SECOND, threadSeconds());
    }

    /** CPU seconds of the JVM's live threads per {@link #threadGroups group}. */
    private Map<String, Double> threadSeconds() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        threadGroups.keySet().forEach(group -> seconds.put(group, 0.0));
        if (jvmPid.isEmpty() || threadGroups.isEmpty()) {
            return seconds;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(jvmPid.getAsLong()), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String group = groupOf(name, threadGroups);
                    if (group != null) {
                        long[] times = parsePidStat(stat);
                        seconds.merge(group, (times[1] + times[2]) / TICKS_PER_SECOND, Double::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the JVM is gone
        }
        return seconds;
    }

    static String groupOf(String threadName, Map<String, List<String>> groups) {
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            if (group.getValue().stream().anyMatch(threadName::startsWith)) {
                return group.getKey();
            }
        }
        return null;
    }

    /** The JVM's peak resident memory so far ({@code VmHWM}), bytes; 0 when unknown. */
    long jvmPeakRssBytes() {
        return jvmPid.isPresent() ? statusKilobytes(jvmPid.getAsLong(), "VmHWM:") * 1024 : 0;
    }

    private double postgresSeconds() {
        if (postgresPid.isEmpty()) {
            return 0;
        }
        long postmaster = postgresPid.getAsLong();
        long[] own = pidStat(postmaster);
        long ticks = own[1] + own[2] + own[3] + own[4];
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                long[] stat = pidStat(pid);
                if (stat[0] == postmaster) {
                    ticks += stat[1] + stat[2];
                }
            }
        } catch (IOException | RuntimeException e) {
            // a process list that cannot be read: the postmaster's own time is what we have
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** {@code {busy, total}} CPU seconds of the whole machine since boot. */
    static double[] machineSeconds() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            return parseMachine(line, TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }

    /** Parses the {@code cpu} line of {@code /proc/stat}: busy = user+nice+system+irq+softirq+steal, total adds idle and iowait. */
    static double[] parseMachine(String cpuLine, double ticksPerSecond) {
        String[] fields = cpuLine.trim().split("\\s+");
        long busy = 0;
        long total = 0;
        for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
            long value = Long.parseLong(fields[i]);
            total += value;
            if (i != 4 && i != 5) {
                busy += value;
            }
        }
        return new double[] {busy / ticksPerSecond, total / ticksPerSecond};
    }

    /** {@code {ppid, utime, stime, cutime, cstime}} in clock ticks; zeros when the process is gone. */
    static long[] pidStat(long pid) {
        try {
            return parsePidStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0, 0, 0, 0};
        }
    }

    static long[] parsePidStat(String content) {
        String[] fields = content.substring(content.lastIndexOf(')') + 2).trim().split("\\s+");
        return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14])};
    }

    private static long statusKilobytes(long pid, String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            for (String line : lines) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux
        }
        return 0;
    }

    private static double clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Double.parseDouble(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
