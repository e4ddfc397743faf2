package dev.quayside.edgerouter.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The routes a catalog snapshot asks for, in the spirit of marathon-lb's labels. A service is exposed when any of its
 * instances names a route in its {@code Meta} or tags:
 * <ul>
 * <li>{@code haproxy_vhost} (alias {@code haproxy_0_vhost}): comma-separated host names served on the shared HTTP
 * front end;</li>
 * <li>{@code haproxy_port} (alias {@code haproxy_0_port}): a dedicated TCP port;</li>
 * <li>{@code haproxy_group}: the edge-router group (default {@code external}).</li>
 * </ul>
 * Keys are case-insensitive; as tags they are written {@code key=value} (also {@code haproxy.vhost=...}). Only passing
 * instances become servers. Values that would not make a valid, unambiguous configuration are left out and reported in
 * {@link #problems()}.
 *
 * @param routes   the routes, ordered by service name
 * @param problems why some metadata was ignored
 */
public record RouteTable(List<Route> routes, List<String> problems) {

    public static final String DEFAULT_GROUP = "external";

    private static final Pattern HOST = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:_-]+");
    private static final Pattern UNSAFE_NAME = Pattern.compile("[^A-Za-z0-9_.:-]");

    public RouteTable {
        routes = List.copyOf(routes);
        problems = List.copyOf(problems);
    }

    /** The rules a table is built with: the groups served and the port the shared HTTP front end uses. */
    public record Rules(Set<String> groups, int httpPort) {
        public boolean serves(String group) {
            return groups.contains("*") || groups.contains(group);
        }
    }

    public static RouteTable of(CatalogSnapshot catalog, Rules rules) {
        List<Route> routes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> hostOwners = new HashMap<>();
        Map<Integer, String> portOwners = new HashMap<>();
        Set<String> backendNames = new HashSet<>();
        for (Map.Entry<String, List<ServiceInstance>> entry : catalog.services().entrySet()) {
            String service = entry.getKey();
            List<ServiceInstance> instances = new ArrayList<>(entry.getValue());
            // passing instances speak first: during a rolling change their labels are the current ones
            instances.sort(Comparator.comparing((ServiceInstance i) -> !i.passing()).thenComparing(ServiceInstance::id));
            String group = first(instances, "haproxy_group").orElse(DEFAULT_GROUP);
            if (!rules.serves(group)) {
                continue;
            }
            Set<String> hosts = new TreeSet<>();
            for (ServiceInstance instance : instances) {
                for (String value : values(instance, "haproxy_vhost", "haproxy_0_vhost")) {
                    for (String raw : value.split(",")) {
                        String host = raw.trim().toLowerCase(Locale.ROOT);
                        if (host.isEmpty()) {
                            continue;
                        }
                        if (!HOST.matcher(host).matches()) {
                            problems.add(service + ": ignored virtual host '" + raw.trim()
                                    + "': not a host name (letters, digits, '-' and '.')");
                        } else if (hostOwners.containsKey(host) && !hostOwners.get(host).equals(service)) {
                            problems.add(service + ": ignored virtual host '" + host + "': already routed to "
                                    + hostOwners.get(host));
                        } else {
                            hostOwners.put(host, service);
                            hosts.add(host);
                        }
                    }
                }
            }
            Integer port = null;
            Optional<String> portValue = first(instances, "haproxy_port", "haproxy_0_port");
            if (portValue.isPresent()) {
                port = parsePort(service, portValue.get(), rules, portOwners, problems);
            }
            if (hosts.isEmpty() && port == null) {
                continue;
            }
            List<Route.Server> servers = new ArrayList<>();
            List<Route.Instance> shown = new ArrayList<>();
            Set<String> serverNames = new HashSet<>();
            instances.sort(Comparator.comparing(ServiceInstance::id));
            for (ServiceInstance instance : instances) {
                boolean validAddress = instance.address() != null && ADDRESS.matcher(instance.address()).matches()
                        && instance.port() > 0 && instance.port() <= 65535;
                if (!validAddress) {
                    problems.add(service + ": instance " + instance.id() + " has no usable address:port ("
                            + instance.address() + ":" + instance.port() + ")");
                }
                boolean served = validAddress && instance.passing();
                shown.add(new Route.Instance(instance.id(), instance.node(), instance.address(), instance.port(),
                        instance.health(), served));
                if (served) {
                    servers.add(new Route.Server(unique(safeName(instance.id()), serverNames), instance.address(),
                            instance.port()));
                }
            }
            if (!hosts.isEmpty()) {
                routes.add(new Route(service, unique("be_" + safeName(service), backendNames), Route.Kind.HTTP,
                        List.copyOf(hosts), null, servers, shown));
            }
            if (port != null) {
                routes.add(new Route(service, unique("tcp_" + safeName(service), backendNames), Route.Kind.TCP,
                        List.of(), port, servers, shown));
            }
        }
        return new RouteTable(routes, problems);
    }

    private static Integer parsePort(String service, String value, Rules rules, Map<Integer, String> owners,
            List<String> problems) {
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            problems.add(service + ": ignored port '" + value + "': not a number");
            return null;
        }
        if (port < 1 || port > 65535) {
            problems.add(service + ": ignored port " + port + ": outside 1-65535");
            return null;
        }
        if (port == rules.httpPort()) {
            problems.add(service + ": ignored port " + port + ": it is the shared HTTP front end's port");
            return null;
        }
        String owner = owners.putIfAbsent(port, service);
        if (owner != null) {
            problems.add(service + ": ignored port " + port + ": already routed to " + owner);
            return null;
        }
        return port;
    }

    /** The first value of any of {@code keys} among the instances, {@code Meta} before tags. */
    private static Optional<String> first(List<ServiceInstance> instances, String... keys) {
        for (ServiceInstance instance : instances) {
            List<String> found = values(instance, keys);
            if (!found.isEmpty()) {
                return Optional.of(found.get(0).trim());
            }
        }
        return Optional.empty();
    }

    /** The values one instance gives to any of {@code keys}: its {@code Meta} entries, then {@code key=value} tags. */
    static List<String> values(ServiceInstance instance, String... keys) {
        Set<String> wanted = new HashSet<>();
        for (String key : keys) {
            wanted.add(key);
            wanted.add(key.replace('_', '.').replace(".0.", "."));
        }
        LinkedHashSet<String> found = new LinkedHashSet<>();
        instance.meta().forEach((k, v) -> {
            if (v != null && wanted.contains(k.toLowerCase(Locale.ROOT))) {
                found.add(v);
            }
        });
        for (String tag : instance.tags()) {
            int eq = tag.indexOf('=');
            if (eq > 0 && wanted.contains(tag.substring(0, eq).trim().toLowerCase(Locale.ROOT))) {
                found.add(tag.substring(eq + 1));
            }
        }
        return List.copyOf(found);
    }

    static String safeName(String name) {
        return UNSAFE_NAME.matcher(name).replaceAll("_");
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int n = 2; !taken.add(candidate); n++) {
            candidate = name + "-" + n;
        }
        return candidate;
    }

    public int serverCount() {
        return routes.stream().mapToInt(r -> r.servers().size()).sum();
    }
}
