package dev.quayside.edgerouter.service;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * One exposed service as rendered.
 *
 * @param service   the Consul service name
 * @param backend   the HAProxy backend (or {@code listen}) name
 * @param kind      HTTP virtual host(s) on the shared front end, or a dedicated TCP port
 * @param hosts     the virtual host names (HTTP)
 * @param port      the dedicated port (TCP), or null
 * @param checkPath the path of HAProxy's HTTP health check (HTTP routes), or null for a check that the port accepts
 *                  connections
 * @param servers   the passing instances: HAProxy servers
 * @param instances every instance with its health, passing or not
 */
@TemplateData
public record Route(String service, String backend, Kind kind, List<String> hosts, Integer port, String checkPath,
        List<Server> servers, List<Instance> instances) {

    public Route {
        hosts = List.copyOf(hosts);
        servers = List.copyOf(servers);
        instances = List.copyOf(instances);
    }

    public boolean http() {
        return kind == Kind.HTTP;
    }

    public enum Kind {
        HTTP, TCP
    }

    /** One HAProxy server line. */
    @TemplateData
    public record Server(String name, String address, int port) {
        /** {@code address:port}, IPv6 addresses in brackets. */
        public String endpoint() {
            return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
        }
    }

    /** One catalog instance and whether it is served ({@code address} is null when it is not an IP literal). */
    @TemplateData
    public record Instance(String id, String node, String address, int port, ServiceInstance.Health health,
            boolean served) {
    }
}
