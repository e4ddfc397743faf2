package dev.quayside.edgerouter.client;

import dev.quayside.edgerouter.support.TestHaproxy;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-alone supervisor for {@link HaproxyCleanStopTest}: starts HAProxy on {@code args[0]} (a directory) serving
 * {@code up} on port {@code args[1]}, prints {@code started <master pid> <worker pid>} and waits to be killed.
 */
public final class SupervisorMain {

    private SupervisorMain() {
    }

    public static void main(String[] args) throws Exception {
        HaproxyClient haproxy = new HaproxyClient(TestHaproxy.settings(Path.of(args[0])));
        Files.writeString(haproxy.settings().configFile(), TestHaproxy.answering(Integer.parseInt(args[1])));
        haproxy.start();
        ProcessList procs = haproxy.showProc();
        System.out.println("started " + procs.masterPid() + " " + procs.currentWorkerPid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
