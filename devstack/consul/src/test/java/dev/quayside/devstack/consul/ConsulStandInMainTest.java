package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code bin/quayside devstack consul} arguments and what each bad one gets. */
class ConsulStandInMainTest {

    @Test
    void defaultsToPort8500InMemoryWithoutAcl() {
        ConsulStandIn.Options options = ConsulStandInMain.parse(new String[0]);
        assertThat(options.port()).isEqualTo(8500);
        assertThat(options.aclToken()).isNull();
        assertThat(options.dataDir()).isNull();
        assertThat(options.txnOpLimit()).isEqualTo(64);
    }

    @Test
    void readsEveryOption() {
        ConsulStandIn.Options options = ConsulStandInMain.parse(new String[] {"--port", "18500", "--acl-token", "t",
            "--data-dir", "/tmp/consul-data", "--txn-op-limit", "128"});
        assertThat(options.port()).isEqualTo(18500);
        assertThat(options.aclToken()).isEqualTo("t");
        assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/consul-data"));
        assertThat(options.txnOpLimit()).isEqualTo(128);
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> ConsulStandInMain.parse(new String[] {"--prot", "1"}))
                .hasMessage("unknown argument: --prot");
        assertThatThrownBy(() -> ConsulStandInMain.parse(new String[] {"--port"})).hasMessage("--port needs a value");
        assertThatThrownBy(() -> ConsulStandInMain.parse(new String[] {"--port", "x"}))
                .hasMessage("--port needs a number, not \"x\"");
        assertThatThrownBy(() -> ConsulStandInMain.parse(new String[] {"--port", "70000"}))
                .hasMessage("port out of range: 70000");
        assertThatThrownBy(() -> ConsulStandInMain.parse(new String[] {"--txn-op-limit", "0"}))
                .hasMessage("txn operation limit must be at least 1");
        assertThatThrownBy(() -> ConsulStandInMain.parse(new String[] {"--acl-token", " "}))
                .hasMessage("the ACL token must not be blank");
    }
}
