package dev.quayside.edgerouter.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.quayside.edgerouter.service.ServiceInstance.Health;
import dev.quayside.edgerouter.support.Catalogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAProxy rendering fuzzed from catalog data: thousands of generated catalogs whose names, ids, nodes, addresses,
 * ports, tags and Meta carry line breaks, control and format characters, HAProxy syntax, quotes, very long and empty
 * values. Each render goes through the routing rules and the shipped template; every output line must have one of the
 * template's own shapes (an injected directive has none), the server lines must be exactly the table's servers, and
 * every distinct output must pass the real {@code haproxy -c} (checked in batches: the outputs of a batch are joined
 * into one file, each one's proxies renamed apart; a batch that fails is checked file by file to name the catalog).
 * {@code -Dfuzz.catalogs} and {@code -Dfuzz.seed} change the run.
 */
class RenderFuzzTest {

    private static final int CATALOGS = Integer.getInteger("fuzz.catalogs", 3000);
    private static final long SEED = Long.getLong("fuzz.seed", 20261128L);
    private static final int BATCH = 150;
    private static final int HTTP_PORT = 8000;

    private static final String NAME = "[A-Za-z0-9_.:-]+";
    private static final String ENDPOINT = "(\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):\\d{1,5}";
    private static final List<Pattern> SHAPES = List.of(
            Pattern.compile(""),
            Pattern.compile("# HAProxy configuration rendered by Quayside edge-router 'fuzz' from the Consul catalog\\."),
            Pattern.compile("# Edits are overwritten on the next render: change the template instead .*"),
            Pattern.compile("# service [^\\p{Cntrl}\\p{Zl}\\p{Zp}]+"),
            Pattern.compile("    # (a request that could not reach|request when the connection failed).*"),
            Pattern.compile("global|defaults|frontend http_in"),
            Pattern.compile("    (hard-stop-after 5000ms|mworker-max-reloads 3|maxconn 4096)"),
            Pattern.compile("    (mode http|mode tcp|option dontlognull|option redispatch 1|retries 3|balance roundrobin)"),
            Pattern.compile("    timeout (connect 2s|client 30s|server 30s|http-keep-alive 5s|client-fin 5s|check 3s)"),
            Pattern.compile("    retry-on conn-failure empty-response"),
            Pattern.compile("    http-request disable-l7-retry unless METH_GET \\|\\| METH_OPTIONS \\|\\| METH_PUT "
                    + "\\|\\| METH_DELETE \\|\\| METH_TRACE"),
            Pattern.compile("    bind 127\\.0\\.0\\.1:\\d{1,5}"),
            Pattern.compile("    use_backend be_" + NAME + " if \\{ req\\.hdr\\(host\\),field\\(1,:\\),lower -m str"
                    + "( [a-z0-9.-]+)+ }"),
            Pattern.compile("backend be_" + NAME + "|listen tcp_" + NAME),
            Pattern.compile("    option httpchk GET /[A-Za-z0-9._~%/?&=-]*"),
            Pattern.compile("    server " + NAME + " " + ENDPOINT + " check inter 1s fall 2 rise 2"));
    private static final Pattern SECTION = Pattern.compile("^(frontend|backend|listen) (\\S+)$");
    private static final Pattern USE_BACKEND = Pattern.compile("^(    use_backend )(\\S+)( if .*)$");

    @TempDir
    Path dir;

    private final Random random = new Random(SEED);

    /** Nasty values: every one of them must either be refused or be harmless where it lands. */
    private static final List<String> NASTY = List.of("", " ", "web", "web\n    server evil 10.6.6.6:80",
            "x\r\nbackend injected", "a }\n    use_backend evil if TRUE", "tab\there", "nul\u0000", "bell\u0007",
            "line\u2028separator", "para\u2029graph", "nel\u0085", "bidi\u202eoverride", "zero\u200bwidth",
            "\ud83d\ude80rocket", "lone\ud800surrogate", "private\ue000use", "quote\"d", "single'q", "hash#comment",
            "back\\slash", "%[req.hdr(host)]", "${HOME}", "spa ce", "semi;colon", "{#for x in routes}{x}{/for}",
            "{instance}", "a".repeat(300), "UPPER", "dot.", ".dot", "-dash", "ünïcödé", "multi\nline\nvalue");

    private String nasty() {
        return NASTY.get(random.nextInt(NASTY.size()));
    }

    private String maybeNasty(String fine) {
        return random.nextInt(4) == 0 ? nasty() : fine;
    }

    private String address() {
        switch (random.nextInt(12)) {
            case 0:
                return "::1";
            case 1:
                return "fe80::1%eth0";
            case 2:
                return "shop.example.com";
            case 3:
                return "10.0.0.5 backup";
            case 4:
                return "999.1.1.1";
            case 5:
                return null;
            case 6:
                return nasty();
            case 7:
                return "2001:db8::" + random.nextInt(1000);
            default:
                return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
        }
    }

    private int port() {
        int[] odd = {-1, 0, 1, 65535, 65536, 70000, HTTP_PORT};
        return random.nextInt(5) == 0 ? odd[random.nextInt(odd.length)] : 1024 + random.nextInt(60000);
    }

    private String vhosts() {
        List<String> hosts = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(8)) {
                case 0:
                    hosts.add(nasty());
                    break;
                case 1:
                    hosts.add("Shop.Example.COM");
                    break;
                case 2:
                    hosts.add("a".repeat(64) + ".test");
                    break;
                case 3:
                    hosts.add(("x".repeat(60) + ".").repeat(5) + "test");
                    break;
                default:
                    hosts.add("h" + random.nextInt(6) + ".test");
            }
        }
        return String.join(random.nextBoolean() ? "," : " , ", hosts);
    }

    private String tcpPort() {
        String[] values = {"9000", " 9001 ", "abc", "70000", "0", String.valueOf(HTTP_PORT), "9002\n", "9003"};
        return values[random.nextInt(values.length)];
    }

    private String checkPath() {
        String[] values = {"/health", "/h ealth", "/x\nfoo", "/%[req.hdr(host)]", "/a?b=c", "health", "/ok#x",
                "/" + "p".repeat(250), "/v1/status/ready"};
        return values[random.nextInt(values.length)];
    }

    private CatalogSnapshot catalog() {
        Map<String, List<ServiceInstance>> services = new LinkedHashMap<>();
        int count = 1 + random.nextInt(6);
        for (int s = 0; s < count; s++) {
            String service = maybeNasty("svc" + random.nextInt(8));
            List<ServiceInstance> instances = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                Map<String, String> meta = new LinkedHashMap<>();
                List<String> tags = new ArrayList<>();
                if (random.nextInt(5) > 0) {
                    meta.put(random.nextBoolean() ? "haproxy_vhost" : "HAPROXY_0_VHOST", vhosts());
                }
                if (random.nextInt(4) == 0) {
                    tags.add("haproxy.port=" + tcpPort());
                }
                if (random.nextInt(4) == 0) {
                    meta.put(random.nextBoolean() ? "check_http" : "haproxy_check_path", checkPath());
                }
                if (random.nextInt(6) == 0) {
                    meta.put("haproxy_group", random.nextBoolean() ? "external" : nasty());
                }
                if (random.nextInt(3) == 0) {
                    tags.add(nasty());
                    meta.put(nasty(), nasty());
                }
                Health health = Health.values()[random.nextInt(4) == 0 ? random.nextInt(4) : 0];
                instances.add(new ServiceInstance(maybeNasty(service + "-" + i), service,
                        random.nextInt(8) == 0 ? nasty() : "node" + random.nextInt(3), address(), port(), tags, meta,
                        health, random.nextInt(100)));
            }
            services.put(service, instances);
        }
        return new CatalogSnapshot(services);
    }

    private record Case(int number, CatalogSnapshot catalog, String text) {
    }

    @Test
    void thousandsOfGeneratedCatalogsNeverRenderAnInvalidOrInjectedConfiguration() throws Exception {
        ConfigRenderer renderer = new ConfigRenderer(Catalogs.engine(), Optional.empty());
        RouteTable.Rules rules = new RouteTable.Rules(Set.of("external"), HTTP_PORT);
        Map<String, Case> distinct = new LinkedHashMap<>();
        RouteOwners owners = RouteOwners.NONE;
        int problems = 0;
        int servers = 0;
        for (int n = 0; n < CATALOGS; n++) {
            CatalogSnapshot catalog = catalog();
            RouteTable table;
            String text;
            try {
                table = RouteTable.of(catalog, rules, owners);
                text = renderer.render(RenderModel.of("fuzz", new RenderModel.Global("5000ms", 3),
                        new RenderModel.Frontend("127.0.0.1", HTTP_PORT), table));
            } catch (Exception | StackOverflowError e) {
                throw new AssertionError("catalog " + n + " crashed the render: " + describe(catalog), e);
            }
            owners = random.nextInt(3) == 0 ? RouteOwners.NONE : table.owners();
            problems += table.problems().size();
            servers += table.serverCount();
            for (String problem : table.problems()) {
                assertThat(SafeText.printable(problem)).as("problem of catalog %d is one printable line: %s", n,
                        SafeText.quote(problem)).isTrue();
            }
            checkShape(n, catalog, table, text);
            distinct.putIfAbsent(text, new Case(n, catalog, text));
        }
        List<Case> cases = new ArrayList<>(distinct.values());
        Case first = cases.get(0);
        assertThat(haproxyAccepts(joined(List.of(first, new Case(-1, CatalogSnapshot.EMPTY,
                first.text() + "\nbackend broken\n    balance no-such-algorithm\n"))), "self-check").valid())
                .as("a batch with one invalid configuration is rejected (the check can fail)").isFalse();
        int batches = 0;
        for (int from = 0; from < cases.size(); from += BATCH) {
            List<Case> batch = cases.subList(from, Math.min(cases.size(), from + BATCH));
            batches++;
            if (!haproxyAccepts(joined(batch), "batch-" + batches).valid()) {
                for (Case c : batch) {
                    Check check = haproxyAccepts(c.text(), "case-" + c.number());
                    if (!check.valid()) {
                        fail("catalog " + c.number() + " renders a configuration haproxy -c rejects: "
                                + check.output() + "\n" + describe(c.catalog()) + "\n" + c.text());
                    }
                }
                fail("batch " + batches + " was rejected but each of its configurations passes alone");
            }
        }
        System.out.printf("render fuzz: %d catalogs (seed %d), %d distinct configurations checked by haproxy -c in "
                + "%d batches, %d problems reported, %d servers rendered%n", CATALOGS, SEED, cases.size(), batches,
                problems, servers);
        assertThat(cases.size()).as("the generator makes varied configurations").isGreaterThan(CATALOGS / 4);
        assertThat(problems).isPositive();
        assertThat(servers).isPositive();
    }

    private static void checkShape(int n, CatalogSnapshot catalog, RouteTable table, String text) {
        int serverLines = 0;
        for (String line : text.split("\n", -1)) {
            if (SHAPES.stream().noneMatch(p -> p.matcher(line).matches())) {
                fail("catalog " + n + " rendered a line the template cannot make: '" + SafeText.quote(line) + "'\n"
                        + describe(catalog) + "\n" + text);
            }
            if (line.startsWith("    server ")) {
                serverLines++;
            }
        }
        int expected = table.routes().stream().mapToInt(r -> r.servers().size()).sum();
        assertThat(serverLines).as("server lines of catalog %d", n).isEqualTo(expected);
    }

    /** The configurations of a batch in one file: the first's global section only, every proxy renamed apart. */
    private static String joined(List<Case> batch) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < batch.size(); k++) {
            boolean inGlobal = false;
            for (String line : batch.get(k).text().split("\n", -1)) {
                if (line.equals("global")) {
                    inGlobal = k > 0;
                }
                if (inGlobal) {
                    inGlobal = !line.isEmpty();
                    continue;
                }
                var section = SECTION.matcher(line);
                var use = USE_BACKEND.matcher(line);
                if (section.matches()) {
                    out.append(section.group(1)).append(' ').append(section.group(2)).append("__").append(k);
                } else if (use.matches()) {
                    out.append(use.group(1)).append(use.group(2)).append("__").append(k).append(use.group(3));
                } else {
                    out.append(line);
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private record Check(boolean valid, String output) {
    }

    private Check haproxyAccepts(String config, String name) throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".cfg");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder("/usr/sbin/haproxy", "-c", "-f", file.toString()).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Check(process.exitValue() == 0, output);
    }

    private static String describe(CatalogSnapshot catalog) {
        Set<String> lines = new LinkedHashSet<>();
        catalog.services().forEach((name, instances) -> instances.forEach(i -> lines.add("  '" + SafeText.quote(name)
                + "': " + SafeText.quote(i.toString()))));
        return "catalog:\n" + String.join("\n", lines);
    }
}
