package dev.quayside.registrator.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registrator's rules, from a container to the services it offers (gliderlabs/registrator {@code bridge.newService},
 * {@code serviceMetaData}, {@code servicePort} and the Consul adapter's {@code buildCheck}), plus Marathon awareness.
 * Pure: no daemon, no Consul.
 */
public final class NamingRules {

    /** Registrator's default interval for non-TTL checks. */
    public static final String DEFAULT_CHECK_INTERVAL = "10s";
    /** Meta key carrying {@code MARATHON_APP_ID}. */
    public static final String META_MARATHON_APP_ID = "marathon_app_id";
    /** Meta key carrying {@code MESOS_TASK_ID}. */
    public static final String META_MESOS_TASK_ID = "mesos_task_id";
    /** Image label whose value goes into the events as the revision. */
    public static final String REVISION_LABEL = "org.opencontainers.image.revision";

    /** Registrator's service id pattern: {@code <host>:<container>:<port>[:udp]}. */
    static final Pattern SERVICE_ID = Pattern.compile("^(.+?):([a-zA-Z0-9][a-zA-Z0-9_.-]+):[0-9]+(?::udp)?$");

    /**
     * How this registrator instance names and addresses services.
     *
     * @param hostname            this Docker host's name: the first part of every service id
     * @param hostIp              the fixed address to register ({@code -ip}), or null to use the port binding's
     * @param hostnameAddress     the address {@code hostname} resolves to (used for bindings on 0.0.0.0), or null
     * @param internal            register container address and exposed port ({@code -internal})
     * @param explicit            only containers with a {@code SERVICE_NAME} ({@code -explicit})
     * @param forceTags           tags appended to every service ({@code -tags}), comma-separated, or empty
     * @param trustImageMetadata  take every {@code SERVICE_*} the image itself sets, as Registrator does; false (the
     *                            default): from the image only its checks ({@code SERVICE_CHECK_*}) and
     *                            {@code SERVICE_IGNORE}, so that a Dockerfile cannot name its service after another
     *                            one, join that one's backend or claim a virtual host
     */
    public record Options(String hostname, String hostIp, String hostnameAddress, boolean internal, boolean explicit,
            String forceTags, boolean trustImageMetadata) {

        public Options {
            hostname = hostname == null ? "" : hostname;
            forceTags = forceTags == null ? "" : forceTags;
        }

        /** Options that take from an image only its checks. */
        public Options(String hostname, String hostIp, String hostnameAddress, boolean internal, boolean explicit,
                String forceTags) {
            this(hostname, hostIp, hostnameAddress, internal, explicit, forceTags, false);
        }
    }

    private final Options options;

    public NamingRules(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** Consul's ceiling on a service's {@code Meta} entries (agent/structs {@code ValidateServiceMetadata}). */
    static final int MAX_META_PAIRS = 64;
    /** Consul's ceiling on a {@code Meta} key's length. */
    static final int MAX_META_KEY = 128;
    /** Consul's ceiling on a {@code Meta} value's length. */
    static final int MAX_META_VALUE = 512;
    /** The characters Consul allows in a {@code Meta} key; keys starting {@code consul-} are reserved to Consul. */
    static final Pattern META_KEY = Pattern.compile("[a-zA-Z0-9_-]+");
    /** A service name longer than a DNS name cannot be looked up as {@code <name>.service.consul}. */
    static final int MAX_NAME = 255;
    /** Service ids are path segments of agent requests and keys of events: bounded. */
    static final int MAX_ID = 512;

    /**
     * What a container offers: the services to register, ordered by port, and the ports refused, each with why (a
     * name, id, tag or metadata Consul or a reader of the catalog cannot take, see {@link #refusal}).
     */
    public record Offer(List<ServiceRegistration> services, List<String> refused) {

        public Offer {
            services = List.copyOf(services);
            refused = List.copyOf(refused);
        }
    }

    /** The services {@code container} offers, ordered by port; empty when it offers none (ignored, unpublished...). */
    public List<ServiceRegistration> services(ContainerFacts container) {
        return offer(container).services();
    }

    /** The services {@code container} offers and the ports refused; both empty when it offers none. */
    public Offer offer(ContainerFacts container) {
        Map<String, PortFacts> ports = new TreeMap<>();
        // with --net=host, exposed ports are published as they are
        for (String port : container.exposedPorts()) {
            String number = port.split("/", 2)[0];
            ports.put(port, portFacts(container, port, List.of(new ContainerFacts.HostBinding("0.0.0.0", number))));
        }
        // runtime mappings (--net=bridge) win
        container.publishedPorts().forEach((port, bindings) -> ports.put(port, portFacts(container, port, bindings)));

        Map<String, PortFacts> servicePorts = new TreeMap<>();
        ports.forEach((key, port) -> {
            if (options.internal() || !port.hostPort().isEmpty()) {
                servicePorts.put(key, port);
            }
        });
        boolean group = servicePorts.size() > 1;
        List<ServiceRegistration> services = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (PortFacts port : servicePorts.values()) {
            ServiceRegistration service = service(container, port, group);
            if (service == null) {
                continue;
            }
            String why = refusal(service);
            String taken = why != null ? null : ids.putIfAbsent(service.id(), port.exposedPort() + "/" + port.protocol());
            if (taken != null) {
                why = "service id " + quote(service.id()) + " is already port " + taken + "'s: it would replace it";
            }
            if (why == null) {
                services.add(service);
            } else {
                refused.add("port " + quote(port.exposedPort() + "/" + port.protocol()) + ": " + why);
            }
        }
        return new Offer(services, refused);
    }

    /**
     * Why Consul, or a reader of the catalog (routers, events, logs), cannot take {@code service}; null when it can.
     * Consul's own rules: a name, a port, at most {@value #MAX_META_PAIRS} {@code Meta} entries whose keys are
     * {@link #META_KEY} of at most {@value #MAX_META_KEY} characters not starting {@code consul-}, values of at most
     * {@value #MAX_META_VALUE}. Quayside's: name (at most {@value #MAX_NAME} characters), id (at most
     * {@value #MAX_ID}) and tags are valid Unicode without control characters or line separators.
     */
    static String refusal(ServiceRegistration service) {
        String why = text("service name", service.name(), MAX_NAME);
        if (why == null) {
            why = text("service id", service.id(), MAX_ID);
        }
        for (int i = 0; why == null && i < service.tags().size(); i++) {
            why = text("tag", service.tags().get(i), Integer.MAX_VALUE);
            if (why != null && service.tags().get(i).isEmpty()) {
                why = null; // Registrator's "a,,b" gives an empty tag; Consul takes it
            }
        }
        if (why != null) {
            return why;
        }
        if (service.port() < 0 || service.port() > 65_535) {
            return "port " + service.port() + " is not a port number";
        }
        if (service.meta().size() > MAX_META_PAIRS) {
            return service.meta().size() + " SERVICE_* metadata entries: Consul takes at most " + MAX_META_PAIRS;
        }
        for (Map.Entry<String, String> meta : service.meta().entrySet()) {
            String key = meta.getKey();
            if (key.length() > MAX_META_KEY || !META_KEY.matcher(key).matches() || key.startsWith("consul-")) {
                return "metadata key " + quote(key) + ": Consul takes letters, digits, '_' and '-' (at most "
                        + MAX_META_KEY + ", not starting 'consul-')";
            }
            if (meta.getValue().length() > MAX_META_VALUE) {
                return "metadata " + quote(key) + " is longer than Consul's " + MAX_META_VALUE + " characters";
            }
        }
        return null;
    }

    private static String text(String what, String value, int max) {
        if (value == null || value.isEmpty()) {
            return what + " is empty";
        }
        if (value.length() > max) {
            return what + " " + quote(value) + " is longer than " + max + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return what + " " + quote(value) + String.format(" has the control character U+%04X", (int) c);
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return what + " " + quote(value) + " is not valid Unicode";
            }
        }
        return null;
    }

    /** {@code value} quoted for a reason: control characters and surrogates escaped, cut at 64 characters. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("'");
        value.chars().limit(64).forEach(c -> b.append(Character.isISOControl(c) || Character.isSurrogate((char) c)
                || c == 0x2028 || c == 0x2029 ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.append(value.length() > 64 ? "…'" : "'").toString();
    }

    /** True when {@code serviceId} follows the {@code <host>:<container>:<port>} pattern for this host. */
    public boolean isOwnServiceId(String serviceId) {
        Matcher matcher = SERVICE_ID.matcher(serviceId);
        return matcher.matches() && matcher.group(1).equals(options.hostname());
    }

    private ServiceRegistration service(ContainerFacts container, PortFacts port, boolean group) {
        String[] imageParts = baseName(container.image()).split(":", -1);
        String defaultName = imageParts[0];

        String hostname = options.hostname();
        String hostIp = port.hostIp();
        if (hostname.isEmpty()) {
            hostname = hostIp;
        }
        if ("0.0.0.0".equals(hostIp) && options.hostnameAddress() != null) {
            hostIp = options.hostnameAddress();
        }
        if (options.hostIp() != null && !options.hostIp().isEmpty()) {
            hostIp = options.hostIp();
        }

        Metadata metadata = metadata(container, port.exposedPort(), options.trustImageMetadata());
        if (!metadata.get("ignore").isEmpty()) {
            return null;
        }
        String name = metadata.get("name");
        if (name.isEmpty()) {
            if (options.explicit()) {
                return null;
            }
            name = defaultName;
        }
        String id = hostname + ":" + container.name() + ":" + port.exposedPort();
        if (group && !metadata.fromPort().contains("name")) {
            name = name + "-" + port.exposedPort();
        }
        String address;
        int portNumber;
        if (options.internal()) {
            address = port.exposedIp();
            portNumber = atoi(port.exposedPort());
        } else {
            address = hostIp;
            portNumber = atoi(port.hostPort());
        }
        List<String> tags;
        if ("udp".equals(port.protocol())) {
            tags = combineTags(metadata.get("tags"), options.forceTags(), "udp");
            id = id + ":udp";
        } else {
            tags = combineTags(metadata.get("tags"), options.forceTags());
        }
        String customId = metadata.get("id");
        if (!customId.isEmpty()) {
            id = customId;
        }
        Map<String, String> attrs = new TreeMap<>(metadata.values());
        attrs.remove("id");
        attrs.remove("tags");
        attrs.remove("name");
        PortFacts origin = new PortFacts(port.hostPort(), hostIp, port.exposedPort(), port.exposedIp(), port.protocol());
        ServiceCheck check = check(attrs, address, portNumber, origin);
        Map<String, String> meta = new TreeMap<>(attrs);
        String marathonAppId = container.envValue("MARATHON_APP_ID");
        String mesosTaskId = container.envValue("MESOS_TASK_ID");
        if (marathonAppId != null && !marathonAppId.isEmpty()) {
            meta.put(META_MARATHON_APP_ID, marathonAppId);
        }
        if (mesosTaskId != null && !mesosTaskId.isEmpty()) {
            meta.put(META_MESOS_TASK_ID, mesosTaskId);
        }
        return new ServiceRegistration(id, name, address, portNumber, tags, meta, check, container,
                port.exposedPort(), port.protocol());
    }

    /**
     * Registrator's {@code serviceMetaData}: {@code SERVICE_*} from env, then labels (labels win); a
     * {@code SERVICE_<port>_X} for this port beats {@code SERVICE_X} whatever their sources; keys lower-cased. An entry
     * the image itself sets counts only when it is a check or {@code ignore}, unless {@code trustImage}.
     */
    static Metadata metadata(ContainerFacts container, String port, boolean trustImage) {
        List<String> entries = new ArrayList<>(container.env());
        new TreeMap<>(container.labels()).forEach((key, value) -> entries.add(key + "=" + value));
        Map<String, String> values = new HashMap<>();
        Set<String> fromPort = new HashSet<>();
        for (String entry : entries) {
            String[] kv = entry.split("=", 2);
            if (!kv[0].startsWith("SERVICE_") || kv.length < 2) {
                continue;
            }
            String key = kv[0].substring("SERVICE_".length()).toLowerCase(java.util.Locale.ROOT);
            if (!trustImage && container.imageEntries().contains(entry) && !fromImageAllowed(key)) {
                continue;
            }
            if (fromPort.contains(key)) {
                continue;
            }
            String[] portKey = key.split("_", 2);
            if (isInteger(portKey[0]) && portKey.length > 1) {
                if (!portKey[0].equals(port)) {
                    continue;
                }
                values.put(portKey[1], kv[1]);
                fromPort.add(portKey[1]);
            } else {
                values.put(key, kv[1]);
            }
        }
        return new Metadata(values, fromPort);
    }

    /** What an image may say for itself: its checks ({@code check_*}, per port too) and that it is no service. */
    static boolean fromImageAllowed(String key) {
        String[] portKey = key.split("_", 2);
        String name = isInteger(portKey[0]) && portKey.length > 1 ? portKey[1] : key;
        return name.startsWith("check_") || name.equals("ignore");
    }

    /** {@code SERVICE_*} metadata of one port: lower-case keys without the prefix, and which came per-port. */
    record Metadata(Map<String, String> values, Set<String> fromPort) {

        /** The value, or "" when missing (Registrator's {@code mapDefault(m, key, "")}). */
        String get(String key) {
            String value = values.get(key);
            return value == null ? "" : value;
        }
    }

    /** The Consul adapter's {@code buildCheck}, or null when the container asks for no check. */
    static ServiceCheck check(Map<String, String> attrs, String address, int port, PortFacts origin) {
        String status = emptyToNull(attrs.get("check_initial_status"));
        String timeout = emptyToNull(attrs.get("check_timeout"));
        String method = emptyToNull(attrs.get("check_http_method"));
        String http = null;
        String tcp = null;
        String ttl = null;
        String grpc = null;
        List<String> args = null;
        boolean grpcTls = false;
        boolean skipVerify = false;
        String value;
        if (!(value = get(attrs, "check_http")).isEmpty()) {
            http = "http://" + address + ":" + port + value;
        } else if (!(value = get(attrs, "check_https")).isEmpty()) {
            http = "https://" + address + ":" + port + value;
        } else if (!(value = get(attrs, "check_script")).isEmpty()) {
            String script = value.replace("$SERVICE_IP", origin.hostIp()).replace("$SERVICE_PORT", origin.hostPort());
            args = List.of("sh", "-c", script);
            method = null;
            timeout = null;
        } else if (!(value = get(attrs, "check_ttl")).isEmpty()) {
            ttl = value;
            method = null;
            timeout = null;
        } else if (!get(attrs, "check_tcp").isEmpty()) {
            tcp = address + ":" + port;
            method = null;
        } else if (!get(attrs, "check_grpc").isEmpty()) {
            grpc = address + ":" + port;
            method = null;
            if (!get(attrs, "check_grpc_use_tls").isEmpty()) {
                grpcTls = true;
                skipVerify = !get(attrs, "check_tls_skip_verify").isEmpty();
            }
        } else {
            return null;
        }
        String interval = null;
        if (ttl == null) {
            interval = get(attrs, "check_interval").isEmpty() ? DEFAULT_CHECK_INTERVAL : attrs.get("check_interval");
        }
        String deregisterAfter = emptyToNull(attrs.get("check_deregister_after"));
        return new ServiceCheck(http, method, tcp, ttl, args, grpc, grpcTls, skipVerify, interval, timeout, status,
                deregisterAfter);
    }

    /** One container port as Registrator's {@code servicePort} sees it. */
    record PortFacts(String hostPort, String hostIp, String exposedPort, String exposedIp, String protocol) {
    }

    private static PortFacts portFacts(ContainerFacts container, String port,
            List<ContainerFacts.HostBinding> bindings) {
        String hostPort = "";
        String hostIp = "";
        if (bindings != null && !bindings.isEmpty()) {
            hostPort = nullToEmpty(bindings.get(0).hostPort());
            hostIp = nullToEmpty(bindings.get(0).hostIp());
        }
        if (hostIp.isEmpty()) {
            hostIp = "0.0.0.0";
        }
        String mode = container.networkMode();
        if (!mode.equals("bridge") && !mode.equals("default") && !mode.equals("host")) {
            hostIp = nullToEmpty(container.networkIps().get(mode));
        }
        String[] parts = port.split("/", 2);
        String protocol = parts.length == 2 ? parts[1] : "tcp";
        return new PortFacts(hostPort, hostIp, parts[0], nullToEmpty(container.containerIp()), protocol);
    }

    static List<String> combineTags(String... parts) {
        List<String> tags = new ArrayList<>();
        for (String part : parts) {
            if (part != null && !part.isEmpty()) {
                tags.addAll(Arrays.asList(part.split(",", -1)));
            }
        }
        return tags;
    }

    /** Go's {@code path.Base}: the last slash-separated element. */
    static String baseName(String image) {
        String trimmed = image;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        int slash = trimmed.lastIndexOf('/');
        return slash >= 0 && trimmed.length() > 1 ? trimmed.substring(slash + 1) : trimmed;
    }

    private static boolean isInteger(String text) {
        if (text.isEmpty()) {
            return false;
        }
        try {
            Integer.parseInt(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int atoi(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String get(Map<String, String> attrs, String key) {
        return nullToEmpty(attrs.get(key));
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Labels of interest for events: the image revision, when present. */
    public static String revision(ContainerFacts container) {
        String revision = container.labels().get(REVISION_LABEL);
        return revision == null || revision.isEmpty() ? null : revision;
    }
}
