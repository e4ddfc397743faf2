package dev.quayside.edgerouter.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The routes a catalog snapshot asks for, in the spirit of marathon-lb's labels. A service is exposed when any of its
 * instances names a route in its {@code Meta} or tags:
 * <ul>
 * <li>{@code haproxy_vhost} (alias {@code haproxy_0_vhost}): comma-separated host names served on the shared HTTP
 * front end;</li>
 * <li>{@code haproxy_port} (alias {@code haproxy_0_port}): a dedicated TCP port;</li>
 * <li>{@code haproxy_group}: the edge-router group (default {@code external});</li>
 * <li>{@code haproxy_check_path}, else Registrator's {@code check_http}: the path of HAProxy's own HTTP health check
 * (without one, HAProxy checks that the port accepts connections).</li>
 * </ul>
 * Keys are case-insensitive; as tags they are written {@code key=value} (also {@code haproxy.vhost=...}). Only passing
 * instances become servers. Nothing from the catalog reaches the configuration unchecked: a service whose name, or an
 * instance whose id or node, has a character that is not printable (CR, LF, any control or format character) is left
 * out; addresses must be IP literals, hosts host names, ports numbers. Each value left out is reported in
 * {@link #problems()}, quoted with its non-printables escaped. A virtual host or TCP port belongs to its configured
 * owner, else to the service that claimed it first ({@link RouteOwners}); later claimants are refused and reported.
 *
 * @param routes   the routes, ordered by service name
 * @param problems why some catalog data was left out
 * @param owners   who owns each host and port claimed now: the memory for the next table
 */
public record RouteTable(List<Route> routes, List<String> problems, RouteOwners owners) {

    public static final String DEFAULT_GROUP = "external";

    private static final Pattern HOST = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final int MAX_HOST_LENGTH = 253;
    private static final Pattern CHECK_PATH = Pattern.compile("/[A-Za-z0-9._~%/-]{0,200}(\\?[A-Za-z0-9._~%&=-]{0,200})?");
    private static final Pattern UNSAFE_NAME = Pattern.compile("[^A-Za-z0-9_.:-]");

    public RouteTable {
        routes = List.copyOf(routes);
        problems = List.copyOf(problems);
    }

    public RouteTable(List<Route> routes, List<String> problems) {
        this(routes, problems, RouteOwners.NONE);
    }

    /**
     * The rules a table is built with: the groups served, the port the shared HTTP front end uses, and the owners set
     * in configuration.
     */
    public record Rules(Set<String> groups, int httpPort, RouteOwners reserved) {

        public Rules(Set<String> groups, int httpPort) {
            this(groups, httpPort, RouteOwners.NONE);
        }

        public boolean serves(String group) {
            return groups.contains("*") || groups.contains(group);
        }
    }

    /** A table without memory of earlier owners (first render, tests). */
    public static RouteTable of(CatalogSnapshot catalog, Rules rules) {
        return of(catalog, rules, RouteOwners.NONE);
    }

    /** A service as far as it is valid: its usable instances, passing ones first, and what they claim. */
    private record Candidate(String service, List<ServiceInstance> instances, Set<String> hosts, Integer port,
            String checkPath) {
    }

    /**
     * @param previous the owners of the table before: an owner keeps what it still claims
     */
    public static RouteTable of(CatalogSnapshot catalog, Rules rules, RouteOwners previous) {
        List<String> problems = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (Map.Entry<String, List<ServiceInstance>> entry : catalog.services().entrySet()) {
            Candidate candidate = candidate(entry.getKey(), entry.getValue(), rules, problems);
            if (candidate != null) {
                candidates.add(candidate);
            }
        }
        Map<String, String> hostOwners = owners(candidates, c -> c.hosts(), rules.reserved().hosts(), previous.hosts(),
                "virtual host ", h -> "'" + h + "'", problems);
        Map<Integer, String> portOwners = owners(candidates,
                c -> c.port() == null ? Set.<Integer>of() : Set.of(c.port()), rules.reserved().ports(),
                previous.ports(), "port ", String::valueOf, problems);

        List<Route> routes = new ArrayList<>();
        Set<String> backendNames = new HashSet<>();
        for (Candidate candidate : candidates) {
            String service = candidate.service();
            List<String> hosts = candidate.hosts().stream().filter(h -> service.equals(hostOwners.get(h))).toList();
            Integer port = candidate.port() != null && service.equals(portOwners.get(candidate.port()))
                    ? candidate.port() : null;
            if (hosts.isEmpty() && port == null) {
                continue;
            }
            List<Route.Server> servers = new ArrayList<>();
            List<Route.Instance> shown = new ArrayList<>();
            Set<String> serverNames = new HashSet<>();
            List<ServiceInstance> instances = new ArrayList<>(candidate.instances());
            instances.sort(Comparator.comparing(ServiceInstance::id));
            for (ServiceInstance instance : instances) {
                boolean validAddress = SafeText.ipLiteral(instance.address()) && instance.port() > 0
                        && instance.port() <= 65535;
                if (!validAddress) {
                    problems.add(service + ": instance " + instance.id() + " has no usable address:port ("
                            + SafeText.quote(instance.address()) + ":" + instance.port() + ")");
                }
                boolean served = validAddress && instance.passing();
                shown.add(new Route.Instance(instance.id(), instance.node(), validAddress ? instance.address() : null,
                        instance.port(), instance.health(), served));
                if (served) {
                    servers.add(new Route.Server(unique(safeName(instance.id()), serverNames), instance.address(),
                            instance.port()));
                }
            }
            if (!hosts.isEmpty()) {
                routes.add(new Route(service, unique("be_" + safeName(service), backendNames), Route.Kind.HTTP,
                        hosts, null, candidate.checkPath(), servers, shown));
            }
            if (port != null) {
                routes.add(new Route(service, unique("tcp_" + safeName(service), backendNames), Route.Kind.TCP,
                        List.of(), port, null, servers, shown));
            }
        }
        return new RouteTable(routes, problems, new RouteOwners(hostOwners, portOwners));
    }

    /** Validates one service: its name, its instances' ids and nodes, what they claim; null when it offers nothing. */
    private static Candidate candidate(String service, List<ServiceInstance> all, Rules rules, List<String> problems) {
        if (service == null || service.isEmpty() || !SafeText.printable(service)) {
            problems.add("service '" + SafeText.quote(service)
                    + "' left out: its name has characters that are not printable");
            return null;
        }
        List<ServiceInstance> instances = new ArrayList<>();
        for (ServiceInstance instance : all) {
            if (instance.id() == null || instance.id().isEmpty()) {
                problems.add(service + ": an instance without an id left out");
            } else if (!SafeText.printable(instance.id())) {
                problems.add(service + ": instance '" + SafeText.quote(instance.id())
                        + "' left out: its id has characters that are not printable");
            } else if (instance.node() != null && !SafeText.printable(instance.node())) {
                problems.add(service + ": instance '" + instance.id() + "' left out: its node '"
                        + SafeText.quote(instance.node()) + "' has characters that are not printable");
            } else {
                instances.add(instance);
            }
        }
        // passing instances speak first: during a rolling change their labels are the current ones
        instances.sort(Comparator.comparing((ServiceInstance i) -> !i.passing()).thenComparing(ServiceInstance::id));
        String group = first(instances, "haproxy_group").orElse(DEFAULT_GROUP);
        if (!rules.serves(group)) {
            return null;
        }
        Set<String> hosts = new TreeSet<>();
        for (ServiceInstance instance : instances) {
            for (String value : values(instance, "haproxy_vhost", "haproxy_0_vhost")) {
                for (String raw : value.split(",")) {
                    String host = raw.trim().toLowerCase(Locale.ROOT);
                    if (host.isEmpty()) {
                        continue;
                    }
                    if (validHost(host)) {
                        hosts.add(host);
                    } else {
                        problems.add(service + ": ignored virtual host '" + SafeText.quote(raw.trim())
                                + "': not a host name (letters, digits, '-' and '.')");
                    }
                }
            }
        }
        Integer port = null;
        Optional<String> portValue = first(instances, "haproxy_port", "haproxy_0_port");
        if (portValue.isPresent()) {
            port = parsePort(service, portValue.get(), rules, problems);
        }
        if (hosts.isEmpty() && port == null) {
            return null;
        }
        String checkPath = null;
        Optional<String> path = first(instances, "haproxy_check_path").or(() -> first(instances, "check_http"));
        if (path.isPresent()) {
            if (CHECK_PATH.matcher(path.get()).matches()) {
                checkPath = path.get();
            } else {
                problems.add(service + ": ignored health check path '" + SafeText.quote(path.get())
                        + "': not a path of letters, digits and . _ ~ % / - (HAProxy checks the port instead)");
            }
        }
        return new Candidate(service, instances, hosts, port, checkPath);
    }

    /**
     * Who owns each claimed key: the configured owner; else the previous owner while it still claims it; else the
     * claimant whose claiming instance Consul registered first (lowest {@code CreateIndex}), the name breaking only an
     * exact tie. Every other claimant is refused with a problem.
     */
    private static <K> Map<K, String> owners(List<Candidate> candidates,
            java.util.function.Function<Candidate, Set<K>> claimsOf, Map<K, String> reserved, Map<K, String> previous,
            String what, java.util.function.Function<K, String> show, List<String> problems) {
        Map<K, List<Candidate>> claimants = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            for (K key : claimsOf.apply(candidate)) {
                claimants.computeIfAbsent(key, k -> new ArrayList<>()).add(candidate);
            }
        }
        Map<K, String> owners = new HashMap<>();
        for (Map.Entry<K, List<Candidate>> entry : claimants.entrySet()) {
            K key = entry.getKey();
            List<Candidate> claiming = entry.getValue();
            String owner;
            String why;
            if (reserved.containsKey(key)) {
                owner = reserved.get(key);
                why = "reserved for " + owner + " by quayside.edge-router.route-owners";
            } else if (previous.containsKey(key)
                    && claiming.stream().anyMatch(c -> c.service().equals(previous.get(key)))) {
                owner = previous.get(key);
                why = "already routed to " + owner;
            } else {
                owner = claiming.stream().min(Comparator.comparingLong((Candidate c) -> firstClaim(c))
                        .thenComparing(Candidate::service)).orElseThrow().service();
                why = "already routed to " + owner;
            }
            boolean owned = false;
            for (Candidate candidate : claiming) {
                if (candidate.service().equals(owner)) {
                    owned = true;
                } else {
                    problems.add(candidate.service() + ": ignored " + what + show.apply(key) + ": " + why);
                }
            }
            if (owned) {
                owners.put(key, owner);
            }
        }
        return new TreeMap<>(owners);
    }

    /** When the service's earliest instance was registered (Consul's index; 0 when unknown). */
    private static long firstClaim(Candidate candidate) {
        return candidate.instances().stream().mapToLong(ServiceInstance::createIndex).filter(i -> i > 0).min()
                .orElse(Long.MAX_VALUE);
    }

    static boolean validHost(String host) {
        return host.length() <= MAX_HOST_LENGTH && HOST.matcher(host).matches();
    }

    private static Integer parsePort(String service, String value, Rules rules, List<String> problems) {
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            problems.add(service + ": ignored port '" + SafeText.quote(value) + "': not a number");
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
        new TreeMap<>(instance.meta()).forEach((k, v) -> {
            if (v != null && wanted.contains(k.toLowerCase(Locale.ROOT))) {
                found.add(v);
            }
        });
        for (String tag : instance.tags()) {
            int eq = tag == null ? -1 : tag.indexOf('=');
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
