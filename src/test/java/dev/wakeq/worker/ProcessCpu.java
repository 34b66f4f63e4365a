package dev.wakeq.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time of a process, all its threads, from Linux's per-thread scheduler statistics (nanosecond counters). */
final class ProcessCpu {

    private ProcessCpu() {
    }

    /** Microseconds of CPU the process's live threads have run; threads that ended are not counted. */
    static long micros(long pid) throws IOException {
        long nanos = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("schedstat")).trim();
                    nanos += Long.parseLong(stat.substring(0, stat.indexOf(' ')));
                } catch (IOException e) {
                    // The thread ended between the listing and the read.
                }
            }
        }
        return nanos / 1000;
    }

    /** Resident set size in KiB. */
    static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
