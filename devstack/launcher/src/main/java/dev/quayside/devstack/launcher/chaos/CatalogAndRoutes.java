package dev.quayside.devstack.launcher.chaos;

import dev.quayside.devstack.launcher.chaos.FinalStateChecker.Finding;
import dev.quayside.devstack.launcher.chaos.FinalState.CatalogEntry;
import dev.quayside.devstack.launcher.chaos.FinalState.MarathonApp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Part of property 5 of {@link FinalStateChecker}: the Consul catalog holds exactly the running tasks (once each), and
 * HAProxy routes each routed app to exactly its passing registered tasks; a single HAProxy master serves the front end.
 */
final class CatalogAndRoutes {

    private final List<Finding> findings = new ArrayList<>();

    private CatalogAndRoutes() {
    }

    /** The violations, in the order found. */
    static List<Finding> check(FinalState state) {
        CatalogAndRoutes check = new CatalogAndRoutes();
        check.run(state);
        return check.findings;
    }

    private void run(FinalState state) {
        if (state.haproxyMasters().size() > 1) {
            finding(5, "stale-haproxy", "edge-router", state.haproxyMasters().size() + " HAProxy masters run on its"
                    + " configuration (pids " + state.haproxyMasters() + "): the older ones keep serving the front end"
                    + " with what they last loaded");
        }
        Map<String, MarathonApp> byService = new TreeMap<>();
        state.marathon().values().stream().filter(a -> a.serviceName() != null)
                .forEach(a -> byService.put(a.serviceName(), a));
        Set<String> services = new TreeSet<>(byService.keySet());
        state.catalog().keySet().stream().filter(s -> !s.equals("consul")).forEach(services::add);
        for (String service : services) {
            MarathonApp app = byService.get(service);
            Set<Integer> tasks = new TreeSet<>();
            if (app != null) {
                app.tasks().forEach(t -> tasks.addAll(t.ports()));
            }
            List<CatalogEntry> entries = state.catalog().getOrDefault(service, List.of());
            Map<Integer, Long> registered = entries.stream().collect(Collectors.groupingBy(CatalogEntry::port,
                    TreeMap::new, Collectors.counting()));
            for (Integer port : tasks) {
                if (!registered.containsKey(port)) {
                    finding(5, "registration-missing", service, "task port " + port + " is not in the catalog");
                }
            }
            registered.forEach((port, count) -> {
                if (!tasks.contains(port)) {
                    finding(5, "stale-registration", service, "127.0.0.1:" + port + " is in the catalog, no task has it");
                } else if (count > 1) {
                    finding(5, "duplicate-registration", service, "port " + port + " registered " + count + " times");
                }
            });
            if (state.haproxy() == null || app == null || !app.routed()) {
                continue;
            }
            Set<String> wanted = new TreeSet<>();
            entries.stream().filter(e -> e.passing() && tasks.contains(e.port()))
                    .forEach(e -> wanted.add(e.address() + ":" + e.port()));
            List<String> servers = state.haproxy().get(service);
            if (servers == null) {
                finding(5, "route-missing", service, "HAProxy has no backend for it");
                continue;
            }
            Set<String> routed = new TreeSet<>(servers);
            if (!routed.equals(wanted)) {
                Set<String> missing = new TreeSet<>(wanted);
                missing.removeAll(routed);
                Set<String> stale = new TreeSet<>(routed);
                stale.removeAll(wanted);
                finding(5, "route-differs", service, "HAProxy routes to " + routed + " instead of the passing"
                        + " registered tasks " + wanted + (missing.isEmpty() ? "" : "; missing " + missing)
                        + (stale.isEmpty() ? "" : "; stale " + stale));
            }
        }
    }

    private void finding(int property, String kind, String subject, String detail) {
        findings.add(new Finding(property, kind, subject, detail));
    }
}
