package io.eventgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Linux {@code /proc} readings: a process's CPU time and resident memory, and the machine. */
final class ProcStat {

    /** Clock ticks per second of {@code /proc/<pid>/stat}; {@code getconf CLK_TCK}, passed by the script. */
    static final long TICKS_PER_SECOND = Long.getLong("bench.clkTck", 100);

    private ProcStat() {
    }

    /** utime + stime of the process (all its threads) in nanoseconds, or -1 when it is gone. */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name (which may hold spaces) start at field 3 (state).
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
            return ticks * 1_000_000_000L / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time of all processes on the machine (user + nice + system of {@code /proc/stat}, all cores; not
     * interrupt time, which is charged to no process) in nanoseconds, or -1.
     */
    static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3}) { // user nice system
                ticks += Long.parseLong(f[i]);
            }
            return ticks * 1_000_000_000L / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time (utime + stime, nanoseconds) of the process's JIT compiler threads ({@code C1/C2 CompilerThre})
     * and garbage collector threads ({@code GC Thread#n}, {@code G1 ...}), from {@code /proc/<pid>/task}:
     * {@code {jit, gc}}. Threads that ended in between are missed, so these are lower bounds.
     */
    static long[] jitAndGcNanos(long pid) {
        long jit = 0;
        long gc = 0;
        java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            return new long[] {-1, -1};
        }
        for (java.io.File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                boolean isJit = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler");
                boolean isGc = comm.startsWith("GC Thread") || comm.startsWith("G1 ");
                if (isJit || isGc) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    if (isJit) {
                        jit += ticks;
                    } else {
                        gc += ticks;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the thread ended
            }
        }
        return new long[] {jit * 1_000_000_000L / TICKS_PER_SECOND, gc * 1_000_000_000L / TICKS_PER_SECOND};
    }

    /** A field of {@code /proc/<pid>/status} in KiB ({@code VmRSS}, {@code VmHWM}), or -1. */
    static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** "N vCPUs, model, MHz, MemTotal" from /proc/cpuinfo and /proc/meminfo. */
    static String machine() {
        String model = "?";
        String mhz = "?";
        String mem = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (model.equals("?") && line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (mhz.equals("?") && line.startsWith("cpu MHz")) {
                    mhz = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            List<String> meminfo = Files.readAllLines(Path.of("/proc/meminfo"));
            for (String line : meminfo) {
                if (line.startsWith("MemTotal:")) {
                    mem = line.substring(9).trim();
                }
            }
        } catch (IOException e) {
            // leave "?"
        }
        return Runtime.getRuntime().availableProcessors() + " vCPUs (" + model + ", " + mhz + " MHz), MemTotal "
                + mem + ", kernel " + System.getProperty("os.version") + ", JDK " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.runtime.version");
    }
}
