package dev.outboxcdc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of another process from {@code /proc/<pid>/stat}: user plus system, all its threads, also those that ended. */
final class ProcessCpu {

    /** Clock ticks per second of {@code utime} and {@code stime} ({@code getconf CLK_TCK}). */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcessCpu() {}

    /** CPU seconds {@code pid} has used so far, or NaN when it is gone or this is not Linux. */
    static double seconds(long pid) {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        String text;
        try {
            text = Files.readString(stat);
        } catch (IOException e) {
            return Double.NaN;
        }
        // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[14 - 3]);
        long stime = Long.parseLong(fields[15 - 3]);
        return (double) (utime + stime) / TICKS_PER_SECOND;
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 && out.matches("\\d+") ? Long.parseLong(out) : 100;
        } catch (IOException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
