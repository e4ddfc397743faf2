package dev.quayside.edgerouter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessListTest {

    @Test
    void parsesShowProcOfHaproxy26() {
        ProcessList procs = ProcessList.parse("""
                #<PID>          <type>          <reloads>       <uptime>        <version>
                16082           master          5 [failed: 1]   0d00h00m02s     2.6.12-1+deb12u4
                # workers
                16151           worker          0               0d00h00m01s     2.6.12-1+deb12u4
                # old workers
                16085           worker          3               0d00h00m43s     2.6.12-1+deb12u4
                # programs

                """);
        assertThat(procs.masterPid()).isEqualTo(16082);
        assertThat(procs.reloads()).isEqualTo(5);
        assertThat(procs.failedReloads()).isEqualTo(1);
        assertThat(procs.currentWorkerPid()).isEqualTo(16151);
        assertThat(procs.oldWorkers()).containsExactly(new ProcessList.Worker(16085, 3, "0d00h00m43s"));
        assertThat(procs.generations()).isEqualTo(2);
    }

    @Test
    void anythingElseIsRejected() {
        assertThatThrownBy(() -> ProcessList.parse("Unknown command\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a 'show proc' answer: Unknown command");
    }
}
