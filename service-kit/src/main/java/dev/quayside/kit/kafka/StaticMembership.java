package dev.quayside.kit.kafka;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Static consumer-group membership (Kafka's {@code group.instance.id}, KIP-345) for every consuming channel of a
 * service instance that has a stable name ({@code quayside.kafka.instance-id}): each channel's consumer joins its group
 * as {@code <instance-id>-<channel>}. An instance restarted under the same name — after a crash, an upgrade or
 * {@code bin/quayside down} + {@code up} — takes back its partitions at once, instead of waiting for the broker to
 * time the dead member out ({@code session.timeout.ms}, 45 s; a restarted config-syncer once waited 38 s for its
 * partition while it already answered ready). A graceful stop removes the instance's static members from their
 * groups once its consumers are closed (a static member does not leave by itself), so that the instances that stay
 * take its partitions at once too — a rolling upgrade or a scale-down stalls nobody. Unset (the default), members are
 * dynamic as before. Two running instances must never share a name, or the broker fences one of them.
 */
@ApplicationScoped
public class StaticMembership implements ClientCustomizer<Map<String, Object>> {

    private static final Logger LOG = Logger.getLogger(StaticMembership.class);
    /** How long the leave on a graceful stop may take before the instance stops without it. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(5);
    /** What a member id may hold: names made of hostnames, service names and indexes. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final Optional<String> instanceId;
    private final Map<String, Object> kafka;
    private final Map<String, Integer> consumers = new ConcurrentHashMap<>();
    /** The static members this instance made, by group. */
    private final Map<String, Set<String>> members = new ConcurrentHashMap<>();

    @Inject
    StaticMembership(@ConfigProperty(name = "quayside.kafka.instance-id") Optional<String> instanceId,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
        this.instanceId = instanceId.map(String::trim).filter(id -> !id.isEmpty());
        this.instanceId.ifPresent(id -> {
            if (!NAME.matcher(id).matches()) {
                throw new IllegalArgumentException("quayside.kafka.instance-id '" + id + "' must be 1-200 letters,"
                        + " digits, '.', '_' or '-', starting with a letter or digit");
            }
        });
    }

    /**
     * A consumer's configuration with its static member id; producers, admin clients and a channel that sets its own
     * {@code group.instance.id} are left as they are.
     */
    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        if (instanceId.isEmpty() || !isConsumer(config) || config.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) != null) {
            return config;
        }
        // a channel with several consumers (the connector's "partitions" attribute) gets one member id each, in the
        // order the connector creates them, which is the same at every start
        int nth = consumers.merge(channel, 1, Integer::sum);
        String member = memberId(instanceId.get(), channel) + (nth == 1 ? "" : "-" + nth);
        Map<String, Object> customized = new HashMap<>(config);
        customized.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, member);
        members.computeIfAbsent(String.valueOf(config.get(ConsumerConfig.GROUP_ID_CONFIG)),
                g -> ConcurrentHashMap.newKeySet()).add(member);
        LOG.debugf("channel %s joins group %s as static member %s", channel,
                config.get(ConsumerConfig.GROUP_ID_CONFIG), member);
        return customized;
    }

    /**
     * On a graceful stop, after the connector closed the consumers (its own observer, priority 50): removes this
     * instance's static members from their groups, bounded in time; a failure is logged and the members then time out
     * as dynamic ones would.
     */
    void leave(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(60)
            @BeforeDestroyed(ApplicationScoped.class) Object event) {
        if (members.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(KafkaClientProperties.of(kafka,
                Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) LEAVE_TIMEOUT.toMillis(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) LEAVE_TIMEOUT.toMillis())))) {
            members.forEach((group, ids) -> {
                try {
                    admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(
                            ids.stream().map(MemberToRemove::new).toList())).all()
                            .get(LEAVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.infof("left group %s (static members %s): its partitions go to the instances that stay",
                            group, ids);
                } catch (ExecutionException | TimeoutException e) {
                    LOG.warnf("could not leave group %s as %s (%s): the broker times the members out instead", group,
                            ids, e.getCause() == null ? e : e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("could not leave the consumer groups as %s: %s", instanceId.orElse(""), e.getMessage());
        }
    }

    /** The static member id of {@code channel}'s consumer in instance {@code instanceId}. */
    public static String memberId(String instanceId, String channel) {
        return instanceId + "-" + channel;
    }

    private static boolean isConsumer(Map<String, Object> config) {
        return config.get(ConsumerConfig.GROUP_ID_CONFIG) != null
                && config.containsKey(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                && !config.containsKey(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    }
}
