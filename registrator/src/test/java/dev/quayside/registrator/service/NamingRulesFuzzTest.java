package dev.quayside.registrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.registrator.service.ContainerFacts.HostBinding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Registrator's naming rules against whatever a container's creator writes into its labels, environment, name, image
 * and ports: thousands of generated containers. Every port is either refused with a printable reason or becomes a
 * service Consul takes and a router can read (see {@link NamingRules#refusal}); never an exception. Seeded, so a
 * failure names the container and repeats.
 */
class NamingRulesFuzzTest {

    private static final long SEED = 0x4e6_a11e5L;
    private static final int CASES = 4_000;
    private static final Pattern CONSUL_META_KEY = Pattern.compile("[a-zA-Z0-9_-]{1,128}");

    private static final String[] KEYS = {"NAME", "ID", "TAGS", "IGNORE", "CHECK_HTTP", "CHECK_SCRIPT", "CHECK_TTL",
        "CHECK_TCP", "CHECK_GRPC", "CHECK_INTERVAL", "CHECK_TIMEOUT", "REGION", "8080_NAME", "8080_ID", "8080_TAGS",
        "53_NAME", "9090_IGNORE", "99999999999_NAME", "-1_NAME", "", "_", "a.b", "x y", "CONSUL-X", "é", "😀",
        "K".repeat(200), "A\nB", "8080_", "8080_a.b", "0_NAME"};
    private static final String[] VALUES = {"", "web", "api", "a,b", "a,,b", ",", "a\nb", "a\rb", "\u0000", "\t",
        "\u001b[31m", "\u007f", "\u0085", "\u2028", "é", "😀", "\ud800", "x".repeat(300), "y".repeat(600),
        "n".repeat(100_000), "/health", "$SERVICE_IP:$SERVICE_PORT", "10s", "banana", "true", "1", "host1:web1:80",
        "a b", "../..", "%", "{{.}}", "backend evil\n    server x 1.2.3.4:80"};
    private static final String[] IMAGES = {"127.0.0.1:5000/team/app:1.2", "app", "app:latest", "", "/", "//",
        "app@sha256:abc", "a/b/c/", "x".repeat(300) + ":1", "ap\np", "é/😀:1", "\u0000", ":", "a::b", "app:\ud800"};
    private static final String[] NAMES = {"web1", "mesos-12345678-1234-1234-1234-123456789012", "a", "", "we\nb",
        "web.1_x-y", "x".repeat(300), "é", "\u0000"};
    private static final String[] PORTS = {"8080/tcp", "8080/udp", "9090/tcp", "53/udp", "80", "0/tcp", "65535/tcp",
        "65536/tcp", "-1/tcp", "abc/tcp", "8080/sctp", "/tcp", "", "8080/", "99999999999/tcp", "80\n/tcp", "8080/t/cp"};
    private static final String[] HOST_PORTS = {"32768", "80", "", "0", "65535", "65536", "-1", "abc", "99999999999",
        null};
    private static final String[] HOST_IPS = {"0.0.0.0", "127.0.0.1", "", "::", "10.0.0.1\n", "host", null};

    private final Random random = new Random(SEED);

    @Test
    void everyPortIsAServiceConsulTakesOrARefusalWithAReason() {
        System.out.println("NamingRulesFuzzTest seed 0x" + Long.toHexString(SEED));
        int services = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            NamingRules rules = new NamingRules(options());
            ContainerFacts container = container();
            NamingRules.Offer offer;
            try {
                offer = rules.offer(container);
                assertThat(rules.services(container)).isEqualTo(offer.services());
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError(describe(container, rules) + " threw " + e, e);
            }
            keepsTheRules(offer, container, rules);
            services += offer.services().size();
            refused += offer.refused().size();
        }
        assertThat(services).as("services registered").isGreaterThan(CASES / 4);
        assertThat(refused).as("ports refused").isGreaterThan(CASES / 20);
    }

    @Test
    void namesThatBreakTheCatalogAreRefused() {
        // each of these was once registered as it is: a line break in a name reaches every router's config and log
        NamingRules rules = new NamingRules(NamingRulesTest.DEFAULT);
        Map<String, List<HostBinding>> port = NamingRulesTest.port("8080/tcp", "32768");
        for (List<String> env : List.of(List.of("SERVICE_NAME=web\nbackend evil"), List.of("SERVICE_ID=a\u0000b"),
                List.of("SERVICE_TAGS=ok,bad\rtag"), List.of("SERVICE_a.b=1"), List.of("SERVICE_CONSUL-X=1"),
                List.of("SERVICE_NAME=" + "n".repeat(1_000)), List.of("SERVICE_NAME=\ud800"))) {
            NamingRules.Offer offer = rules.offer(NamingRulesTest.container("app:1", env, Map.of(), port));
            assertThat(offer.services()).as(env.toString()).isEmpty();
            assertThat(offer.refused()).as(env.toString()).hasSize(1);
        }
        NamingRules.Offer empty = rules.offer(NamingRulesTest.container("", List.of(), Map.of(), port));
        assertThat(empty.refused()).singleElement().asString().contains("service name is empty");
        // two ports, one SERVICE_ID: the second registration would silently replace the first
        NamingRules.Offer same = rules.offer(NamingRulesTest.container("app:1", List.of("SERVICE_ID=one"), Map.of(),
                Map.of("8080/tcp", List.of(new HostBinding("127.0.0.1", "1")),
                        "9090/tcp", List.of(new HostBinding("127.0.0.1", "2")))));
        assertThat(same.services()).hasSize(1);
        assertThat(same.refused()).singleElement().asString().contains("'9090/tcp'").contains("already");
    }

    private static void keepsTheRules(NamingRules.Offer offer, ContainerFacts container, NamingRules rules) {
        Supplier<String> where = () -> describe(container, rules) + " offered " + offer;
        Set<String> ids = new HashSet<>();
        for (ServiceRegistration s : offer.services()) {
            assertThat(s.name()).as(where).isNotEmpty().hasSizeLessThanOrEqualTo(NamingRules.MAX_NAME);
            assertThat(s.id()).as(where).isNotEmpty().hasSizeLessThanOrEqualTo(NamingRules.MAX_ID);
            assertThat(clean(s.name())).as(where).isTrue();
            assertThat(clean(s.id())).as(where).isTrue();
            s.tags().forEach(t -> assertThat(clean(t)).as(where).isTrue());
            assertThat(ids.add(s.id())).as(() -> "one id, one service: " + where.get()).isTrue();
            assertThat(s.port()).as(where).isBetween(0, 65_535);
            assertThat(s.meta().size()).as(where).isLessThanOrEqualTo(64);
            s.meta().forEach((k, v) -> {
                assertThat(CONSUL_META_KEY.matcher(k).matches() && !k.startsWith("consul-")).as(where).isTrue();
                assertThat(v.length()).as(where).isLessThanOrEqualTo(512);
            });
            assertThat(s.container()).isSameAs(container);
        }
        for (String reason : offer.refused()) {
            assertThat(reason).as(where).startsWith("port '").hasSizeLessThan(1_000);
            assertThat(reason.chars().noneMatch(c -> Character.isISOControl(c) || Character.isSurrogate((char) c)
                    || c == 0x2028 || c == 0x2029)).as(() -> "a printable reason: " + where.get()).isTrue();
        }
    }

    /** No control character, no line separator, no lone surrogate: what the code promises, checked on its own. */
    private static boolean clean(String text) {
        if (text.isEmpty()) {
            return true;
        }
        return text.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029
                || (c >= 0xD800 && c <= 0xDFFF));
    }

    private NamingRules.Options options() {
        String hostname = random.nextInt(20) == 0 ? pick(VALUES) : pick(new String[] {"host1", "docker-7", ""});
        return new NamingRules.Options(hostname, random.nextInt(3) == 0 ? pick(HOST_IPS) : null,
                random.nextBoolean() ? "10.1.1.1" : null, random.nextInt(4) == 0, random.nextInt(6) == 0,
                random.nextInt(5) == 0 ? pick(new String[] {"prod", "a,b", "", ",", "x\ny"}) : "");
    }

    private ContainerFacts container() {
        List<String> env = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = random.nextInt(6); i > 0; i--) {
            String entry = random.nextInt(6) == 0 ? pick(VALUES) : random.nextInt(8) == 0 ? pick(KEYS)
                    : "SERVICE_" + pick(KEYS) + "=" + (random.nextBoolean() ? pick(new String[] {"web", "a,b", "10s"})
                            : pick(VALUES));
            if (random.nextBoolean()) {
                env.add(entry);
            } else {
                String[] kv = entry.split("=", 2);
                labels.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        if (random.nextInt(4) == 0) {
            env.add("MARATHON_APP_ID=" + pick(VALUES));
            env.add("MESOS_TASK_ID=" + pick(VALUES));
        }
        List<String> exposed = new ArrayList<>();
        Map<String, List<HostBinding>> published = new LinkedHashMap<>();
        for (int i = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(3); i > 0; i--) {
            String port = random.nextBoolean() ? pick(new String[] {"8080/tcp", "9090/tcp", "53/udp"}) : pick(PORTS);
            if (random.nextInt(3) == 0) {
                exposed.add(port);
            }
            List<HostBinding> bindings = new ArrayList<>();
            for (int b = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(2); b > 0; b--) {
                bindings.add(random.nextBoolean() ? new HostBinding("0.0.0.0", "3" + random.nextInt(10_000))
                        : new HostBinding(pick(HOST_IPS), pick(HOST_PORTS)));
            }
            published.put(port, bindings);
        }
        String mode = pick(new String[] {"bridge", "default", "host", "custom", "", "container:abc"});
        Map<String, String> networkIps = random.nextBoolean() ? Map.of("custom", "10.0.0.9") : Map.of();
        return new ContainerFacts("c0ffee" + random.nextInt(1_000_000), pick(NAMES), pick(IMAGES), env, labels,
                exposed.stream().distinct().toList(), published, mode, random.nextBoolean() ? "172.17.0.5" : null,
                networkIps, true, null);
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String describe(ContainerFacts c, NamingRules rules) {
        return "container " + NamingRules.quote(c.name()) + " image " + NamingRules.quote(c.image()) + " env "
                + c.env().stream().map(NamingRules::quote).toList() + " labels " + c.labels().entrySet().stream()
                        .map(e -> NamingRules.quote(e.getKey()) + "=" + NamingRules.quote(e.getValue())).toList()
                + " ports " + c.publishedPorts() + " exposed " + c.exposedPorts() + " with " + rules.options();
    }
}
