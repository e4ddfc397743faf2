package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.marathon.MarathonStandIn;
import dev.quayside.events.EventCodec;
import dev.quayside.events.Topics;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** The ways to run Quayside outside the local run: docker-compose.yml and helm-free-deploy/. */
class DeploymentArtifactsTest {

    static final Path ROOT = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();

    /** The services the topics file has a dead-letter topic for: every one that consumes events. */
    static final List<String> CONSUMERS = List.of("git-watcher", "image-builder", "config-syncer", "marathon-applier",
            "registrator", "edge-router", "notifier");
    /** The compacted state topics (git-watcher's delivery log, notifier's sent log; their config defaults). */
    static final List<String> STATE_TOPICS = List.of("quayside.git-watcher.deliveries", "quayside.notifier.sent",
            "quayside.marathon-applier.definitions", "quayside.image-builder.announced");
    /** Where the compose file mounts the secret files, and the Quayside services that read some. */
    static final String SECRETS = "/run/secrets/quayside";
    static final List<String> KIT_SERVICES = List.of("git-watcher", "config-syncer", "marathon-applier", "registrator",
            "notifier", "board");

    /** {@code docker-compose config} of docker-compose.yml: the file as compose reads it, anchors and paths resolved. */
    static JsonNode composeConfig() throws Exception {
        return composeConfig(List.of("-f", ROOT.resolve("docker-compose.yml").toString()), Map.of());
    }

    /** {@code docker-compose <files> config} in the project's root, with {@code env} set. */
    static JsonNode composeConfig(List<String> files, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker-compose"));
        command.addAll(files);
        command.add("config");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("docker-compose config:\n" + output).isZero();
        return new ObjectMapper(new YAMLFactory()).readTree(output);
    }

    /**
     * The published ports are in docker-compose.override.yml, which plain {@code docker compose up} reads beside the
     * base file; deploy/compose.local.yml (the run here, ComposeE2ETest) leaves them out and puts every service in the
     * host's network with 127.0.0.1 addresses.
     */
    @Test
    void thePublishedPortsComeFromTheDefaultOverrideAndTheLocalOverrideRunsEverythingInTheHostNetwork()
            throws Exception {
        JsonNode plain = composeConfig(List.of(), Map.of()).path("services");
        Map<String, String> published = new TreeMap<>();
        // compose writes a port with a host address in the short form, the others as published/target
        plain.fields().forEachRemaining(service -> service.getValue().path("ports").forEach(port -> published.put(
                service.getKey(), port.isTextual() ? port.asText() : ":" + port.path("published").asText() + ":"
                        + port.path("target").asText())));
        assertThat(published).isEqualTo(Map.of("registry", "127.0.0.1:5000:5000/tcp", "git-watcher", ":8081:8081",
                "edge-router", ":8000:8000", "board", ":8088:8088"));
        assertThat(composeConfig().path("services").findValues("ports")).as("none in the base file").isEmpty();

        Map<String, String> env = Map.of("QUAYSIDE_VERSION", "0.1.0-SNAPSHOT", "QUAYSIDE_CONFIG_DIR", "/c",
                "QUAYSIDE_SECRETS_DIR", "/s");
        JsonNode local = composeConfig(List.of("-f", "docker-compose.yml", "-f", "deploy/compose.local.yml"), env)
                .path("services");
        local.fields().forEachRemaining(service -> {
            JsonNode config = service.getValue();
            assertThat(config.path("network_mode").asText()).as(service.getKey()).isEqualTo("host");
            assertThat(config.path("ports").isMissingNode()).as(service.getKey() + " publishes nothing").isTrue();
            assertThat(config.path("image").asText()).as(service.getKey() + ": built here, nothing pulled")
                    .startsWith("quayside/").endsWith(":0.1.0-SNAPSHOT");
            if (!LocalRun.SERVICES.containsKey(service.getKey())) {
                return; // a part: the base file's KAFKA_*/MESOS_* settings are for the images it replaces, unused
            }
            config.path("environment").fields().forEachRemaining(variable -> assertThat(variable.getValue().asText())
                    .as(service.getKey() + " " + variable.getKey()).doesNotContain("kafka:", "consul:",
                            "marathon:", "chronos:", "registry:", "git-watcher:", "config-syncer:"));
        });
        assertThat(texts(local.path("kafka-topics").path("entrypoint"))).contains("127.0.0.1:9092");

        ProcessBuilder unset = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "-f",
                "deploy/compose.local.yml", "config").directory(ROOT.toFile()).redirectErrorStream(true);
        env.keySet().forEach(unset.environment()::remove);
        Process missing = unset.start();
        String output = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(missing.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.exitValue()).as(output).isNotZero();
        assertThat(output).as("without the variables it names what to set").contains("QUAYSIDE_VERSION");
    }

    @Test
    void dockerComposeIsValidAndBuildsEveryServiceWithItsSettings() throws Exception {
        JsonNode services = composeConfig().path("services");
        for (String module : LocalRun.SERVICES.keySet()) {
            JsonNode service = services.path(module);
            assertThat(service.isMissingNode()).as(module + " in docker-compose.yml").isFalse();
            assertThat(service.path("build").path("args").path("MODULE").asText()).as(module).isEqualTo(module);
            assertThat(service.path("build").path("dockerfile").asText()).isEqualTo("deploy/Dockerfile.service");
            assertThat(service.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            assertThat(service.path("environment").path("QUAYSIDE_CONSUL_URL").asText()).isEqualTo("http://consul:8500");
            assertThat(Files.isDirectory(ROOT.resolve(module).resolve("target/quarkus-app")))
                    .as(module + " is packaged where deploy/Dockerfile.service copies it from").isTrue();
        }
        for (String dependency : new String[] {"kafka", "consul", "zookeeper", "mesos-master", "mesos-agent",
                "marathon", "chronos", "registry"}) {
            assertThat(services.has(dependency)).as(dependency).isTrue();
        }
        assertThat(services.path("marathon-applier").path("environment")
                .path("QUAYSIDE_MARATHON_APPLIER_DEFAULTS_MARATHON_URL").asText()).isEqualTo("http://marathon:8080");
    }

    @Test
    void everyQuaysideServiceHasAReadinessHealthCheckAndStartsAfterKafkaConsulAndTheTopics() throws Exception {
        JsonNode services = composeConfig().path("services");
        for (String dependency : new String[] {"kafka", "consul"}) {
            assertThat(services.path(dependency).path("healthcheck").path("test").size())
                    .as(dependency + " has a health check the services can wait for").isPositive();
        }
        for (Map.Entry<String, Integer> module : LocalRun.SERVICES.entrySet()) {
            JsonNode service = services.path(module.getKey());
            assertThat(texts(service.path("healthcheck").path("test"))).as(module.getKey() + "'s health check")
                    .containsExactly("CMD", "sh", "/deployments/healthcheck", String.valueOf(module.getValue()));
            assertThat(httpPort(module.getKey())).as(module.getKey() + "'s port").isEqualTo(module.getValue());
            JsonNode dependsOn = service.path("depends_on");
            assertThat(dependsOn.path("kafka").path("condition").asText()).as(module.getKey())
                    .isEqualTo("service_healthy");
            assertThat(dependsOn.path("consul").path("condition").asText()).as(module.getKey())
                    .isEqualTo("service_healthy");
            assertThat(dependsOn.path("kafka-topics").path("condition").asText()).as(module.getKey())
                    .isEqualTo("service_completed_successfully");
        }
        assertThat(services.path("board").path("depends_on").path("git-watcher").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(services.path("kafka-topics").path("depends_on").path("kafka").path("condition").asText())
                .isEqualTo("service_healthy");
        String dockerfile = Files.readString(ROOT.resolve("deploy/Dockerfile.service"));
        assertThat(dockerfile).as("the image carries the probe; its wget comes with the base (busybox), nothing is installed")
                .contains("COPY deploy/healthcheck /deployments/healthcheck")
                .contains("FROM ${BASE}")
                .doesNotContain("apt-get");
    }

    @Test
    void theHealthCheckPassesOnlyWhileTheServiceAnswersReady() throws Exception {
        int[] status = {503};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/q/health/ready", exchange -> {
            exchange.sendResponseHeaders(status[0], -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            assertThat(healthcheck(port)).as("not ready (503)").isNotZero();
            status[0] = 200;
            assertThat(healthcheck(port)).as("ready (200)").isZero();
        } finally {
            server.stop(0);
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertThat(healthcheck(closed)).as("nothing listening").isNotZero();
    }

    @Test
    void noServiceReachesAnotherThroughLoopbackAndImagesNameTheRegistryService() throws Exception {
        JsonNode services = composeConfig().path("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        Pattern url = Pattern.compile("^[a-z]+://([^/:]+)");
        for (String name : names) {
            JsonNode service = services.path(name);
            List<String> values = new ArrayList<>();
            service.path("environment").forEach(value -> values.add(value.asText()));
            values.addAll(texts(service.path("command")));
            values.addAll(texts(service.path("entrypoint")));
            for (String value : values) {
                assertThat(value).as(name + ": a container's loopback is itself, never another service")
                        .doesNotContain("localhost").doesNotContain("127.0.0.1");
                Matcher address = url.matcher(value);
                if (address.find()) {
                    assertThat(names).as(name + ": " + value + " names a compose service").contains(address.group(1));
                }
            }
        }
        JsonNode builder = services.path("image-builder").path("environment");
        String registry = builder.path("QUAYSIDE_REGISTRY_ADDRESS").asText();
        assertThat(registry).as("image names start with the registry service's name").isEqualTo("registry:5000");
        assertThat(builder.path("QUAYSIDE_REGISTRY_SCHEME").asText()).as("registry:2 speaks plain HTTP").isEqualTo("http");
        String advertised = services.path("registrator").path("environment").path("QUAYSIDE_REGISTRATOR_ADDRESS").asText();
        assertThat(advertised).as("the address HAProxy in edge-router's container reaches published ports at")
                .isEqualTo("172.31.250.1");
        assertThat(composeConfig().path("networks").path("default").path("ipam").path("config").path(0)
                .path("gateway").asText()).as("registrator's default is the network's gateway").isEqualTo(advertised);
    }

    @Test
    void everyMountedHostPathExistsInTheRepository() throws Exception {
        JsonNode services = composeConfig().path("services");
        int mounts = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> service = it.next();
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.isTextual() ? volume.asText().split(":")[0] : volume.path("source").asText();
                if (source.equals("/var/run/docker.sock")) {
                    continue;
                }
                Path path = Path.of(source).normalize();
                assertThat(path.startsWith(ROOT)).as(service.getKey() + " mounts " + source + " from the repository")
                        .isTrue();
                assertThat(Files.exists(path)).as(service.getKey() + " mounts " + source).isTrue();
                mounts++;
            }
        }
        assertThat(mounts).isGreaterThanOrEqualTo(LocalRun.SERVICES.size());
    }

    @Test
    void theTopicStepCreatesExactlyTheTopicsOfTopicsTxtAndThoseAreTheTopicsTheServicesUse(@TempDir Path dir)
            throws Exception {
        JsonNode step = composeConfig().path("services").path("kafka-topics");
        assertThat(texts(step.path("entrypoint"))).containsExactly("sh", "/quayside/create-topics.sh", "kafka:9092",
                "/quayside/topics.txt");
        assertThat(texts(step.path("volumes"))).contains(
                ROOT.resolve("deploy/create-topics.sh") + ":/quayside/create-topics.sh:ro",
                ROOT.resolve("helm-free-deploy/topics.txt") + ":/quayside/topics.txt:ro");
        assertThat(step.path("image").asText()).isEqualTo(composeConfig().path("services").path("kafka")
                .path("image").asText());

        List<String[]> lines = topicLines();
        Set<String> listed = lines.stream().map(line -> line[0]).collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).as("one line per topic").hasSize(lines.size());
        Set<String> expected = new TreeSet<>(Topics.ALL);
        CONSUMERS.forEach(service -> expected.add(Topics.deadLetter(service)));
        expected.addAll(STATE_TOPICS);
        assertThat(listed).as("topics.txt against dev.quayside.events.Topics").isEqualTo(expected);
        Set<String> channelTopics = new TreeSet<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path properties : modules.map(m -> m.resolve("src/main/resources/application.properties"))
                    .filter(Files::isRegularFile).toList()) {
                Matcher topic = Pattern.compile("(?m)^mp\\.messaging\\.\\S*\\.topic=(\\S+)$")
                        .matcher(Files.readString(properties));
                while (topic.find()) {
                    channelTopics.add(topic.group(1));
                }
            }
        }
        assertThat(channelTopics).as("the channels' topics and dead-letter topics").hasSizeGreaterThan(10);
        assertThat(listed).as("every topic a service's channels name").containsAll(channelTopics);

        // the step's script, with kafka-topics.sh replaced by one that records its arguments
        Path record = dir.resolve("calls");
        Path kafkaTopics = dir.resolve("kafka-topics.sh");
        Files.writeString(kafkaTopics, "#!/bin/sh\necho \"$*\" >> '" + record + "'\n");
        kafkaTopics.toFile().setExecutable(true);
        ProcessBuilder builder = new ProcessBuilder("sh", ROOT.resolve("deploy/create-topics.sh").toString(),
                "kafka:9092", ROOT.resolve("helm-free-deploy/topics.txt").toString()).redirectErrorStream(true);
        builder.environment().put("KAFKA_TOPICS", kafkaTopics.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        List<String> expectedCalls = lines.stream().map(line -> "--bootstrap-server kafka:9092 --create "
                + "--if-not-exists --topic " + line[0] + " --partitions " + line[1]
                + (line.length > 2 ? " --config " + line[2].replace(",", " --config ") : "")).toList();
        assertThat(Files.readAllLines(record)).isEqualTo(expectedCalls);

        // a bad line creates nothing
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "quayside.a 3\nquayside.b three\n");
        Files.delete(record);
        builder.command("sh", ROOT.resolve("deploy/create-topics.sh").toString(), "kafka:9092", bad.toString());
        Process refused = builder.start();
        String refusal = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isNotZero();
        assertThat(refusal).contains("bad line").contains("three");
        assertThat(record).doesNotExist();
    }

    @Test
    void everyWatchedRepositoryHasItsUrlsInImageBuilderAndConfigSyncerAndSecretsComeFromFiles() throws Exception {
        JsonNode services = composeConfig().path("services");
        Properties watcher = deployConfig("git-watcher");
        Properties builder = deployConfig("image-builder");
        Properties syncer = deployConfig("config-syncer");
        Pattern repository = Pattern.compile("quayside\\.git-watcher\\.repositories\\.(\"?)([^.\"]+)\\1\\.clone-url");
        Set<String> apps = new LinkedHashSet<>();
        Set<String> configs = new LinkedHashSet<>();
        for (String key : watcher.stringPropertyNames()) {
            Matcher name = repository.matcher(key);
            if (name.matches()) {
                String kind = watcher.getProperty("quayside.git-watcher.repositories." + name.group(2) + ".kind", "app");
                (kind.equals("config") ? configs : apps).add(name.group(2));
            }
        }
        assertThat(apps).as("an application repository placeholder").isNotEmpty();
        assertThat(configs).as("a config repository placeholder").isNotEmpty();
        for (String app : apps) {
            assertThat(setting(builder, "quayside.builder.repositories", app, "url")
                    || builder.containsKey("quayside.builder.clone-url-template"))
                    .as("image-builder fetches " + app + " from its own configuration").isTrue();
            assertThat(setting(syncer, "quayside.config-syncer.sources", app, "url")
                    || syncer.containsKey("quayside.config-syncer.source-url-template"))
                    .as("config-syncer orders builds of " + app).isTrue();
        }
        for (String config : configs) {
            assertThat(setting(syncer, "quayside.config-syncer.repositories", config, "clone-url"))
                    .as("config-syncer mirrors " + config).isTrue();
        }
        for (String module : LocalRun.SERVICES.keySet()) {
            List<String> volumes = texts(services.path(module).path("volumes"));
            assertThat(volumes).as(module + " reads its settings from deploy/config")
                    .contains(ROOT.resolve("deploy/config/" + module + ".properties")
                            + ":/deployments/config/application.properties:ro");
            if (KIT_SERVICES.contains(module)) {
                assertThat(volumes).contains(ROOT.resolve("deploy/secrets") + ":" + SECRETS + ":ro");
                assertThat(deployConfig(module).getProperty("quayside.operator.token-file"))
                        .as(module + "'s operator token").isEqualTo(SECRETS + "/operator-token");
            }
        }
        assertThat(syncer.getProperty("quayside.consul.token-file")).startsWith(SECRETS + "/");
        assertThat(deployConfig("marathon-applier").getProperty("quayside.consul.token-file")).startsWith(SECRETS + "/");
        assertThat(deployConfig("registrator").getProperty("quayside.consul.token")).startsWith("${file::" + SECRETS + "/");
        assertThat(Files.readString(ROOT.resolve("deploy/secrets/.gitignore"))).contains("*");
    }

    /** Whether {@code prefix."name".leaf} or {@code prefix.name.leaf} is set. */
    static boolean setting(Properties properties, String prefix, String name, String leaf) {
        return properties.containsKey(prefix + ".\"" + name + "\"." + leaf)
                || properties.containsKey(prefix + "." + name + "." + leaf);
    }

    static Properties deployConfig(String module) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("deploy/config/" + module + ".properties"))) {
            properties.load(reader);
        }
        return properties;
    }

    /** helm-free-deploy/topics.txt's lines: topic, partitions and (when there) the comma-separated configs. */
    static List<String[]> topicLines() throws IOException {
        return Files.readAllLines(ROOT.resolve("helm-free-deploy/topics.txt")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.split("\\s+")).toList();
    }

    static int httpPort(String module) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(ROOT.resolve(module + "/src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        return Integer.parseInt(properties.getProperty("quarkus.http.port"));
    }

    static int healthcheck(int port) throws Exception {
        Process process = new ProcessBuilder("sh", ROOT.resolve("deploy/healthcheck").toString(), String.valueOf(port))
                .redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> texts.add(item.asText()));
        } else if (node.isTextual()) {
            texts.add(node.asText());
        }
        return texts;
    }

    @Test
    void helmFreeDeployIsAcceptedByMarathon() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (MarathonStandIn marathon = MarathonStandIn.start()) {
            // images on a closed loopback port: the definitions are checked, nothing is pulled from outside
            ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("helm-free-deploy/deploy.sh").toString())
                    .redirectErrorStream(true);
            builder.environment().put("MARATHON_URL", marathon.marathonUrl());
            builder.environment().put("CHRONOS_URL", marathon.chronosUrl());
            builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
            builder.environment().put("CONSUL_URL", "http://127.0.0.1:8500");
            builder.environment().put("QUAYSIDE_IMAGE_PREFIX", "127.0.0.1:1/");
            builder.environment().put("QUAYSIDE_VERSION", "test");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            for (String module : LocalRun.SERVICES.keySet()) {
                assertThat(output).contains("applied /quayside/" + module);
                HttpResponse<String> app = http.send(HttpRequest.newBuilder(URI.create(marathon.marathonUrl()
                        + "/v2/apps/quayside/" + module)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(app.statusCode()).isEqualTo(200);
                JsonNode definition = EventCodec.mapper().readTree(app.body()).path("app");
                assertThat(definition.path("container").path("docker").path("image").asText())
                        .isEqualTo("127.0.0.1:1/quayside/" + module + ":test");
                assertThat(definition.path("healthChecks").path(0).path("path").asText()).isEqualTo("/q/health/live");
                assertThat(definition.path("readinessChecks").path(0).path("path").asText()).isEqualTo("/q/health/ready");
                assertThat(definition.path("env").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("127.0.0.1:9092");
                List<String> mounts = new ArrayList<>();
                definition.path("container").path("volumes").forEach(volume -> mounts.add(
                        volume.path("hostPath").asText() + ":" + volume.path("containerPath").asText()));
                assertThat(mounts).as(module + " reads the same settings file as in compose")
                        .contains("/etc/quayside/config/" + module + ".properties:/deployments/config/application.properties");
                definition.path("env").fieldNames().forEachRemaining(name -> assertThat(name)
                        .as(module + ": secrets come from files in the secrets mount, never from env (Marathon shows env"
                                + " to anyone who can read the app)")
                        .doesNotContain("TOKEN").doesNotContain("PASSWORD").doesNotContain("SECRET"));
                if (KIT_SERVICES.contains(module)) {
                    assertThat(mounts).as(module + "'s secret files").contains("/etc/quayside/secrets:" + SECRETS);
                    assertThat(definition.path("env").has("QUAYSIDE_CONSUL_TOKEN")
                            && deployConfig(module).stringPropertyNames().stream().anyMatch(k -> k.startsWith("quayside.consul.token")))
                            .as(module + ": a Consul token from env and from its file would stop the start").isFalse();
                }
                http.send(HttpRequest.newBuilder(URI.create(marathon.marathonUrl() + "/v2/apps/quayside/" + module
                        + "?force=true")).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            }
            JsonNode registrator = EventCodec.mapper().readTree(Files.readString(ROOT.resolve(
                    "helm-free-deploy/marathon/registrator.json")).replace("${QUAYSIDE_AGENT_COUNT}", "1"));
            assertThat(registrator.path("constraints").path(0).toString()).isEqualTo("[\"hostname\",\"UNIQUE\"]");
        }
    }
}
