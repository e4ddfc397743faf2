package dev.quayside.kit.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/** Creates a {@link CompactedTopicMap}'s topic when it is missing: compacted, never with the broker's defaults. */
final class CompactedTopics {

    private static final Logger LOG = Logger.getLogger(CompactedTopics.class);

    private CompactedTopics() {
    }

    /** Creates the topic of {@code options} unless it exists, with the service's client properties. */
    static void create(Map<String, ?> kafka, CompactedTopicMap.Options options) {
        String topic = options.topic();
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, options.clientId() + "-admin");
        try (Admin admin = Admin.create(props)) {
            if (admin.listTopics().names().get(15, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            Map<String, String> configs = new HashMap<>(options.topicConfigs());
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            NewTopic newTopic = new NewTopic(topic, Optional.of(options.partitions()),
                    options.replicationFactor() < 1 ? Optional.empty() : Optional.of(options.replicationFactor()))
                    .configs(configs);
            try {
                admin.createTopics(List.of(newTopic)).all().get(15, TimeUnit.SECONDS);
                LOG.infof("created compacted topic %s (%d partitions)", topic, options.partitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CompactedTopicMap.unavailable("interrupted while creating " + topic);
        } catch (ExecutionException | TimeoutException e) {
            throw CompactedTopicMap.unavailable("could not create " + topic + ": "
                    + (e.getCause() != null ? e.getCause() : e));
        }
    }
}
