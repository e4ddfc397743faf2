package dev.quayside.devstack.launcher.chaos;

import dev.quayside.devstack.launcher.LocalStack;
import dev.quayside.devstack.launcher.Pause;
import dev.quayside.devstack.launcher.PipelineStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One fault of the chaos harness: the stack it needs (instances per service) and what it does at a random point of the
 * burst, until it is healed. {@link #all()} is the set {@code bin/quayside chaos} runs by default (issue #20).
 *
 * @param name        the scenario's name on the command line and in the table
 * @param description what it does, for the table
 * @param instances   services that run more than once
 * @param fault       what happens at the fault point
 */
public record Scenario(String name, String description, Map<String, Integer> instances, Fault fault) {

    /** How long a dependency stays unavailable, and how long a killed service stays down before its restart. */
    public static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("chaos.outage-seconds", 30));
    public static final Duration RESTART_DELAY = Duration.ofSeconds(Long.getLong("chaos.restart-delay-seconds", 5));

    /** The consuming services (Kafka consumer groups): the ones run twice for a rebalance. */
    public static final List<String> CONSUMERS = List.of("image-builder", "config-syncer", "marathon-applier", "notifier");

    /** What a fault did: when it started, when it was healed, and in words. */
    public record Injection(Instant injected, Instant healed, String what) {
    }

    /** The running stack, as a fault sees it. */
    public interface Context {
        PipelineStack stack();

        Workload workload();

        Random random();

        Duration readyTimeout();

        void log(String line);
    }

    /** A fault: injects it, waits, heals it, and says what it did. */
    @FunctionalInterface
    public interface Fault {
        Injection inject(Context context) throws Exception;
    }

    /** No fault: the control, to tell the pipeline's own behaviour under the burst from the faults' effects. */
    public static Scenario baseline() {
        return new Scenario("baseline", "the burst alone, no fault", Map.of(), context -> {
            Instant now = Instant.now();
            return new Injection(now, now, "nothing");
        });
    }

    /** {@code kill -9} of {@code service} at the fault point, restarted with the same command line 5 s later. */
    public static Scenario kill(String service) {
        return new Scenario("kill-" + service, "kill -9 of " + service + " mid-burst, restarted " + RESTART_DELAY.toSeconds()
                + " s later", Map.of(), context -> killAndRestart(context, service, "at commit " + context.workload().sent()));
    }

    /** Two instances of {@code service}; one is killed with {@code kill -9} mid-burst and stays down. */
    public static Scenario rebalance(String service) {
        return new Scenario("rebalance-" + service, "2 instances of " + service + ", one killed (kill -9) mid-burst and"
                + " left down: the survivor takes its partitions", Map.of(service, 2), context -> {
                    int victim = context.random().nextInt(2);
                    long pid = context.stack().instance(service, victim).pid();
                    context.stack().kill(service, victim);
                    Instant now = Instant.now();
                    return new Injection(now, now, "killed " + context.stack().id(service, victim) + " (pid " + pid
                            + ") at commit " + context.workload().sent());
                });
    }

    /** The broker stopped (SIGTERM) for 30 s and started again on its port with its data. */
    public static Scenario kafkaOutage() {
        return new Scenario("kafka-outage", "the Kafka broker stopped for " + OUTAGE.toSeconds() + " s mid-burst, then"
                + " started again (same port and data dir)", Map.of(), context -> {
                    LocalStack parts = context.stack().parts();
                    Instant injected = Instant.now();
                    int at = context.workload().sent();
                    parts.stopKafka();
                    Pause.until(injected.plus(OUTAGE));
                    parts.startKafka();
                    return new Injection(injected, Instant.now(), "broker stopped at commit " + at + " for "
                            + Duration.between(injected, Instant.now()).toSeconds() + " s");
                });
    }

    /** {@code part} ({@link LocalStack#CONSUL}, ...) unavailable for 30 s: its proxy refuses and drops connections. */
    public static Scenario outage(String part, String what) {
        return new Scenario(part + "-outage", what + " unavailable for " + OUTAGE.toSeconds() + " s mid-burst (its port"
                + " refused, open connections dropped, by a proxy)", Map.of(), context -> {
                    var proxy = context.stack().parts().proxy(part);
                    Instant injected = Instant.now();
                    int at = context.workload().sent();
                    proxy.cut();
                    Pause.until(injected.plus(OUTAGE));
                    proxy.heal();
                    return new Injection(injected, Instant.now(), what + " cut at commit " + at);
                });
    }

    /** The config repo's history rewritten mid-burst: its head amended and force-pushed. */
    public static Scenario forcePush() {
        return new Scenario("config-force-push", "the config repo's head commit amended and force-pushed mid-burst"
                + " (history rewritten)", Map.of(), context -> {
                    Instant injected = Instant.now();
                    int at = context.workload().sent();
                    String head = context.workload().forcePushConfig();
                    return new Injection(injected, Instant.now(), "force-pushed " + head.substring(0, 7) + " at commit "
                            + at);
                });
    }

    /** {@code kill -9} of marathon-applier while Marathon runs a deployment, restarted 5 s later. */
    public static Scenario killApplierMidDeployment() {
        return new Scenario("kill-marathon-applier-rolling", "kill -9 of marathon-applier while a rolling deployment"
                + " runs, restarted " + RESTART_DELAY.toSeconds() + " s later", Map.of(), context -> {
                    String marathon = context.stack().parts().marathonUrl();
                    Instant deadline = Instant.now().plusSeconds(120);
                    String deployment = null;
                    while (deployment == null && Instant.now().isBefore(deadline)) {
                        var deployments = FinalStateReader.json(marathon + "/v2/deployments", false);
                        if (deployments.size() > 0) {
                            deployment = deployments.get(0).path("affectedApps").get(0).asText() + " ("
                                    + deployments.get(0).path("id").asText() + ")";
                        } else {
                            Pause.millis(100);
                        }
                    }
                    if (deployment == null) {
                        throw new IllegalStateException("no Marathon deployment ran within 120 s of the fault point");
                    }
                    return killAndRestart(context, "marathon-applier", "while deploying " + deployment);
                });
    }

    /** Every scenario of issue #20, in order, after the no-fault baseline. */
    public static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        all.add(baseline());
        PipelineStack.SERVICES.keySet().stream().filter(service -> !service.equals("board"))
                .forEach(service -> all.add(kill(service)));
        CONSUMERS.forEach(service -> all.add(rebalance(service)));
        all.add(kafkaOutage());
        all.add(outage(LocalStack.CONSUL, "the Consul stand-in"));
        all.add(outage(LocalStack.MARATHON, "the Marathon stand-in"));
        all.add(outage(LocalStack.REGISTRY, "the registry"));
        all.add(outage(LocalStack.DOCKER, "the Docker engine"));
        all.add(forcePush());
        all.add(killApplierMidDeployment());
        return all;
    }

    /** The scenarios named, in the order given; an unknown name is an error naming the known ones. */
    public static List<Scenario> named(List<String> names) {
        Map<String, Scenario> byName = new LinkedHashMap<>();
        all().forEach(s -> byName.put(s.name(), s));
        List<Scenario> chosen = new ArrayList<>();
        for (String name : names) {
            Scenario scenario = byName.get(name);
            if (scenario == null) {
                throw new IllegalArgumentException("unknown scenario '" + name + "'; scenarios: "
                        + String.join(" ", byName.keySet()));
            }
            chosen.add(scenario);
        }
        return chosen;
    }

    private static Injection killAndRestart(Context context, String service, String when) {
        long pid = context.stack().instance(service).pid();
        Instant injected = Instant.now();
        context.stack().kill(service, 0);
        context.log("killed " + service + " (pid " + pid + ") " + when);
        Pause.until(injected.plus(RESTART_DELAY));
        Duration ready = context.stack().restart(service, 0, context.readyTimeout());
        long fresh = context.stack().instance(service).pid();
        return new Injection(injected, Instant.now(), "kill -9 of pid " + pid + " " + when + "; restarted as pid "
                + fresh + ", ready in " + ready.toMillis() + " ms");
    }
}
