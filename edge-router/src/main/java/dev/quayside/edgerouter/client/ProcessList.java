package dev.quayside.edgerouter.client;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The master CLI's {@code show proc}: the master with its reload counts, the current workers and the old ones still
 * draining.
 */
public record ProcessList(long masterPid, int reloads, int failedReloads, List<Worker> workers,
        List<Worker> oldWorkers) {

    private static final Pattern MASTER = Pattern.compile("^(\\d+)\\s+master\\s+(\\d+)(?:\\s+\\[failed:\\s*(\\d+)])?.*$");
    private static final Pattern WORKER = Pattern.compile("^(\\d+)\\s+worker\\s+(\\d+)\\s+(\\S+).*$");

    public ProcessList {
        workers = List.copyOf(workers);
        oldWorkers = List.copyOf(oldWorkers);
    }

    /** One worker: its pid, how many reloads it has survived and its uptime as HAProxy prints it. */
    public record Worker(long pid, int reloads, String uptime) {
    }

    /** The generations alive: current plus old workers. */
    public int generations() {
        return workers.size() + oldWorkers.size();
    }

    public long currentWorkerPid() {
        return workers.isEmpty() ? -1 : workers.get(0).pid();
    }

    static ProcessList parse(String text) {
        long master = -1;
        int reloads = 0;
        int failed = 0;
        List<Worker> current = new ArrayList<>();
        List<Worker> old = new ArrayList<>();
        List<Worker> section = null;
        for (String raw : text.split("\n")) {
            String line = raw.trim();
            if (line.startsWith("# workers")) {
                section = current;
                continue;
            }
            if (line.startsWith("# old workers")) {
                section = old;
                continue;
            }
            if (line.startsWith("#")) {
                section = line.startsWith("#<") ? section : null;
                continue;
            }
            Matcher m = MASTER.matcher(line);
            if (m.matches()) {
                master = Long.parseLong(m.group(1));
                reloads = Integer.parseInt(m.group(2));
                failed = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
                continue;
            }
            m = WORKER.matcher(line);
            if (m.matches() && section != null) {
                section.add(new Worker(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
            }
        }
        if (master < 0) {
            throw new IllegalArgumentException("not a 'show proc' answer: " + text.strip());
        }
        return new ProcessList(master, reloads, failed, current, old);
    }
}
