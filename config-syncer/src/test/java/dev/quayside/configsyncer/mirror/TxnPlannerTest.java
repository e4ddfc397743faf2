package dev.quayside.configsyncer.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.configsyncer.client.KvOp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnPlannerTest {

    private static final KvOp GUARD = KvOp.checkIndex("cfg/main.ref", 7);
    private static final KvOp REF = KvOp.set("cfg/main.ref", "0123456789012345678901234567890123456789");

    private static List<KvOp> sets(int n, int valueBytes) {
        List<KvOp> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(KvOp.set("cfg/main/f" + i, new byte[valueBytes]));
        }
        return ops;
    }

    @Test
    void batchesStayWithinTheOperationLimitAndTheLastIsGuardedAndAdvancesTheRef() {
        TxnPlanner.Plan plan = TxnPlanner.plan(sets(200, 10), GUARD, REF, 64, 524288);
        assertThat(plan.oversized()).isEmpty();
        assertThat(plan.batches()).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(64));
        List<KvOp> last = plan.batches().get(plan.batches().size() - 1);
        assertThat(last.get(0)).isEqualTo(GUARD);
        assertThat(last.get(last.size() - 1)).isEqualTo(REF);
        assertThat(plan.batches().stream().flatMap(List::stream).filter(op -> op == GUARD || op == REF)).hasSize(2);
        List<KvOp> flat = plan.batches().stream().flatMap(List::stream).filter(op -> op != GUARD && op != REF).toList();
        assertThat(flat).extracting(KvOp::key).isEqualTo(sets(200, 10).stream().map(KvOp::key).toList());
    }

    @Test
    void aFullLastBatchMovesOperationsToMakeRoomForTheGuard() {
        TxnPlanner.Plan plan = TxnPlanner.plan(sets(64, 1), GUARD, REF, 64, 524288);
        assertThat(plan.batches()).hasSize(2);
        assertThat(plan.batches().get(0)).hasSize(62);
        assertThat(plan.batches().get(1)).hasSize(4).startsWith(GUARD).endsWith(REF);
    }

    @Test
    void batchesStayWithinTheRequestSizeAndOversizedValuesAreSetApart() {
        List<KvOp> ops = sets(10, 100_000);
        ops.add(KvOp.set("cfg/main/huge", new byte[450_000]));
        TxnPlanner.Plan plan = TxnPlanner.plan(ops, GUARD, REF, 64, 524288);
        assertThat(plan.oversized()).extracting(KvOp::key).containsExactly("cfg/main/huge");
        assertThat(plan.batches()).allSatisfy(b -> assertThat(b.stream().mapToInt(KvOp::encodedSize).sum())
                .isLessThanOrEqualTo(524288));
        assertThat(plan.batches().stream().mapToInt(List::size).sum()).isEqualTo(12);
    }

    @Test
    void anEmptyChangeStillAdvancesTheRefUnderTheGuard() {
        TxnPlanner.Plan plan = TxnPlanner.plan(List.of(), KvOp.checkNotExists("cfg/main.ref"), REF, 64, 524288);
        assertThat(plan.batches()).hasSize(1);
        assertThat(plan.batches().get(0)).extracting(KvOp::verb)
                .containsExactly(KvOp.Verb.CHECK_NOT_EXISTS, KvOp.Verb.SET);
    }
}
