package dev.quayside.devstack.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The two Kafka command-line tools the compose file runs, for the devstack image ({@code deploy/devstack/}), which has
 * the broker's jars but not Kafka's {@code bin/} scripts (kafka-tools is no dependency of the broker):
 * <ul>
 * <li>{@code topics --bootstrap-server B --create --if-not-exists --topic T --partitions N [--replication-factor 1]
 * [--config k=v]...}: the subset of {@code kafka-topics.sh} that {@code deploy/create-topics.sh} uses;</li>
 * <li>{@code api-versions --bootstrap-server B}: exits 0 when the broker answers (describeCluster within 5 s), as
 * {@code kafka-broker-api-versions.sh} does in the compose health check.</li>
 * </ul>
 * Anything else exits 2 naming what it did not understand.
 */
public final class KafkaToolsMain {

    private KafkaToolsMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("kafka-tools: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("kafka-tools: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: topics|api-versions --bootstrap-server HOST:PORT [...]");
        }
        String bootstrap = null;
        String topic = null;
        Integer partitions = null;
        boolean create = false;
        Map<String, String> configs = new TreeMap<>();
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        for (int i = 0; i < rest.size(); i++) {
            String option = rest.get(i);
            switch (option) {
                case "--bootstrap-server" -> bootstrap = value(rest, ++i, option);
                case "--create" -> create = true;
                case "--if-not-exists" -> {
                    // always: KafkaBroker.createTopics creates only the missing topics
                }
                case "--topic" -> topic = value(rest, ++i, option);
                case "--partitions" -> partitions = positive(value(rest, ++i, option), option);
                case "--replication-factor" -> {
                    if (positive(value(rest, ++i, option), option) != 1) {
                        throw new IllegalArgumentException("the devstack broker is a single node: --replication-factor"
                                + " must be 1");
                    }
                }
                case "--config" -> {
                    String pair = value(rest, ++i, option);
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("bad --config '" + pair + "' (expected key=value)");
                    }
                    configs.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap-server is required");
        }
        switch (args[0]) {
            case "topics" -> {
                if (!create || topic == null || partitions == null) {
                    throw new IllegalArgumentException("only --create --topic T --partitions N is supported");
                }
                KafkaBroker.createTopics(bootstrap, partitions, List.of(topic), configs);
                System.out.println("topic " + topic + " exists");
                return 0;
            }
            case "api-versions" -> {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
                    String cluster = admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                    System.out.println(bootstrap + " answers (cluster " + cluster + ")");
                    return 0;
                } catch (Exception e) {
                    System.err.println(bootstrap + " does not answer: " + e);
                    return 1;
                }
            }
            default -> throw new IllegalArgumentException("unknown tool " + args[0] + " (topics|api-versions)");
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int positive(String text, String option) {
        if (!text.matches("[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException(option + " must be a positive number, got '" + text + "'");
        }
        return Integer.parseInt(text);
    }
}
