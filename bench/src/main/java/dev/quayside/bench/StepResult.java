package dev.quayside.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.bench.ThroughputTracker.Commit;
import dev.quayside.events.EventCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The figures of one step of {@link ThroughputBench}: commits sent and deployed, the rates, the latency and the median
 * of each stage, and where the lost commits stopped.
 */
final class StepResult {

    final double rate;
    final int total;
    final int completed;
    final int lost;
    final double sentRate;
    final double completedRate;
    final ObjectNode latency;
    final ObjectNode stages;
    final Map<String, Integer> lostBy = new TreeMap<>();
    final boolean passed;
    final double load = ThroughputBench.loadAverage();

    int superseded;
    int attempt = 1;

    StepResult(List<Commit> commits, double rate, ThroughputTracker tracker) {
        this.rate = rate;
        this.total = commits.size();
        List<Double> latencies = new ArrayList<>();
        List<Instant> sent = new ArrayList<>();
        List<Instant> done = new ArrayList<>();
        for (Commit commit : commits) {
            if (commit.sent != null) {
                sent.add(commit.sent);
            }
            if (commit.deployed != null && commit.sent != null) {
                latencies.add((double) Duration.between(commit.sent, commit.deployed).toMillis());
                done.add(commit.deployed);
            } else {
                String where = commit.stoppedAt();
                if (tracker.newerDeployed(commit)) {
                    superseded++;
                    where = "superseded (" + where + "; a newer commit of the app was deployed)";
                }
                lostBy.merge(where, 1, Integer::sum);
            }
        }
        this.completed = done.size();
        this.lost = total - completed;
        this.sentRate = perSecond(sent);
        this.completedRate = perSecond(done);
        this.latency = PipelineBench.stats(latencies, "ms");
        this.stages = EventCodec.mapper().createObjectNode();
        stage(commits, "webhook->commit_pushed", c -> c.pushed);
        stage(commits, "webhook->image_built", c -> c.built);
        stage(commits, "webhook->tag_updated", c -> c.tagged);
        stage(commits, "webhook->deployed", c -> c.deployed);
        this.passed = lost == 0 && total > 0 && (total == 1 || completedRate >= 0.9 * rate);
    }

    private void stage(List<Commit> commits, String name, Function<Commit, Instant> at) {
        List<Double> values = new ArrayList<>();
        for (Commit commit : commits) {
            Instant instant = at.apply(commit);
            if (commit.sent != null && instant != null) {
                values.add((double) Duration.between(commit.sent, instant).toMillis());
            }
        }
        if (!values.isEmpty()) {
            values.sort(Double::compare);
            stages.put(name, PipelineBench.percentile(values, 50));
        }
    }

    /** Events per second between the first and the last of them. */
    private static double perSecond(List<Instant> instants) {
        if (instants.size() < 2) {
            return instants.size();
        }
        List<Instant> sorted = new ArrayList<>(instants);
        sorted.sort(null);
        double span = Duration.between(sorted.get(0), sorted.get(sorted.size() - 1)).toMillis() / 1000.0;
        return span <= 0 ? 0 : (sorted.size() - 1) / span;
    }
}
