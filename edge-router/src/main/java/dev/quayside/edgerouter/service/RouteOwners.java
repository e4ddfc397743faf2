package dev.quayside.edgerouter.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who owns each virtual host and dedicated TCP port: an owner set in configuration
 * ({@code quayside.edge-router.route-owners}), or the service that claimed it first. A later claimant is refused for
 * as long as the owner keeps claiming it, whatever the names' sort order.
 *
 * @param hosts virtual host (lower case) to service
 * @param ports TCP port to service
 */
public record RouteOwners(Map<String, String> hosts, Map<Integer, String> ports) {

    public static final RouteOwners NONE = new RouteOwners(Map.of(), Map.of());

    public RouteOwners {
        hosts = java.util.Collections.unmodifiableMap(new TreeMap<>(hosts));
        ports = java.util.Collections.unmodifiableMap(new TreeMap<>(ports));
    }

    public boolean isEmpty() {
        return hosts.isEmpty() && ports.isEmpty();
    }

    /**
     * Parses {@code host=service} and {@code port=service} entries (the configuration's form).
     *
     * @throws IllegalArgumentException naming the entry that is not {@code host=service} or {@code port=service}
     */
    public static RouteOwners parse(List<String> entries) {
        Map<String, String> hosts = new LinkedHashMap<>();
        Map<Integer, String> ports = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String key = eq < 0 ? "" : entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String service = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (key.isEmpty() || service.isEmpty() || !SafeText.printable(service)) {
                throw new IllegalArgumentException("quayside.edge-router.route-owners: '" + SafeText.quote(entry)
                        + "' is not host=service or port=service");
            }
            if (key.chars().allMatch(Character::isDigit)) {
                int port;
                try {
                    port = Integer.parseInt(key);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("quayside.edge-router.route-owners: '" + SafeText.quote(entry)
                            + "': port outside 1-65535");
                }
                ports.put(port, service);
            } else if (RouteTable.validHost(key)) {
                hosts.put(key, service);
            } else {
                throw new IllegalArgumentException("quayside.edge-router.route-owners: '" + SafeText.quote(entry)
                        + "': '" + SafeText.quote(key) + "' is not a host name");
            }
        }
        return new RouteOwners(hosts, ports);
    }
}
