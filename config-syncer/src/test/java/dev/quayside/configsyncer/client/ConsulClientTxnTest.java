package dev.quayside.configsyncer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.consul.ConsulStandIn;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ConsulClient#txnAll}: independent batches with a bound on those in flight, against the Consul stand-in. */
class ConsulClientTxnTest {

    Vertx vertx;
    ConsulStandIn consul;
    ConsulClient client;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        consul = ConsulStandIn.start();
        client = new ConsulClient(vertx, consul.url(), null, Duration.ofSeconds(5), null);
    }

    @AfterEach
    void tearDown() {
        consul.close();
        vertx.closeAndAwait();
    }

    static List<KvOp> sets(int batch, int size) {
        List<KvOp> ops = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ops.add(KvOp.set("t/b" + batch + "/k" + i, "value " + batch + "." + i));
        }
        return ops;
    }

    @Test
    void everyBatchCommitsAndEachOutcomeIsAtItsBatchsPosition() throws Exception {
        List<List<KvOp>> batches = new ArrayList<>();
        for (int b = 0; b < 23; b++) {
            batches.add(sets(b, 1 + b % 5));
        }
        List<ConsulClient.TxnOutcome> outcomes = client.txnAll(batches, 4);
        assertThat(outcomes).hasSize(23).allSatisfy(o -> assertThat(o.committed()).isTrue());
        // Consul's index after each transaction: every transaction committed at its own index
        assertThat(outcomes.stream().map(ConsulClient.TxnOutcome::index).distinct()).hasSize(23);
        for (int b = 0; b < 23; b++) {
            for (int i = 0; i < 1 + b % 5; i++) {
                Optional<ConsulClient.Entry> entry = client.get("t/b" + b + "/k" + i);
                assertThat(entry).as("t/b%d/k%d", b, i).map(ConsulClient.Entry::value)
                        .contains("value " + b + "." + i);
            }
        }
        assertThat(client.keys("t/")).hasSize(batches.stream().mapToInt(List::size).sum());
    }

    @Test
    void nothingIsSentAfterARolledBackTransaction() throws Exception {
        List<List<KvOp>> batches = new ArrayList<>();
        batches.add(sets(0, 2));
        batches.add(List.of(KvOp.checkIndex("t/missing", 7), KvOp.set("t/b1/k0", "x")));
        for (int b = 2; b < 12; b++) {
            batches.add(sets(b, 2));
        }
        List<ConsulClient.TxnOutcome> outcomes = client.txnAll(batches, 1);
        assertThat(outcomes).hasSize(12);
        assertThat(outcomes.get(0).committed()).isTrue();
        assertThat(outcomes.get(1).committed()).isFalse();
        assertThat(outcomes.get(1).errors()).singleElement().asString()
                .startsWith("operation 0 (check-index t/missing @7): key \"t/missing\" doesn't exist");
        assertThat(outcomes.subList(2, 12)).containsOnlyNulls();
        assertThat(client.keys("t/")).containsExactly("t/b0/k0", "t/b0/k1");
    }

    @Test
    void anUnansweredTransactionIsAConsulException() {
        ConsulClient nowhere = new ConsulClient(vertx, "http://127.0.0.1:1", null, Duration.ofSeconds(2), null);
        assertThatThrownBy(() -> nowhere.txnAll(List.of(sets(0, 1), sets(1, 1)), 2))
                .isInstanceOf(ConsulException.class).hasMessageContaining("PUT /v1/txn");
    }

    @Test
    void noBatchesSendNothingAndABoundBelowOneIsRefused() throws Exception {
        assertThat(client.txnAll(List.of(), 4)).isEmpty();
        assertThatThrownBy(() -> client.txnAll(List.of(sets(0, 1)), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("inFlight must be at least 1: 0");
        assertThat(client.keys("t/")).isEmpty();
    }
}
