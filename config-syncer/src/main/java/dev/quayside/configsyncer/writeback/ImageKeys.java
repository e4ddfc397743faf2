package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.KvOp;
import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import dev.quayside.configsyncer.service.SyncSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The image keys in Consul: {@code <images-prefix>/<app>/<environment>} = the pinned image (the seed pipeline's tag
 * key) and, in the same transaction, {@code <image-sources-prefix>/<app>/<environment>} = which build it is
 * ({@link PinnedSource}), written after a write-back or a promotion pinned an image, and read to order the next one.
 */
@ApplicationScoped
public class ImageKeys {

    private static final Logger LOG = Logger.getLogger(ImageKeys.class);

    private final ConsulClient consul;
    private final String imagesPrefix;
    private final String sourcesPrefix;

    ImageKeys(ConsulClient consul, SyncSettings settings, ConfigSyncerConfig config) {
        this.consul = consul;
        this.imagesPrefix = settings.imagesPrefix();
        this.sourcesPrefix = config.imageSourcesPrefix();
    }

    /** What is pinned for {@code app}, per environment: one read of {@code <image-sources-prefix>/<app>/}. */
    public Map<String, PinnedSource> pinned(String app) throws ConsulException {
        return records(consul, sourcesPrefix + "/" + app + "/");
    }

    /** The {@link PinnedSource} records under {@code prefix} (ending in {@code /}), by the rest of their keys. */
    static Map<String, PinnedSource> records(ConsulClient consul, String prefix) throws ConsulException {
        Map<String, PinnedSource> records = new HashMap<>();
        consul.values(prefix).forEach((key, value) -> {
            PinnedSource p = PinnedSource.parse(value);
            if (p != null && key.length() > prefix.length()) {
                records.put(key.substring(prefix.length()), p);
            }
        });
        return records;
    }

    /**
     * Records {@code source} as pinned for {@code app} in {@code environments}, in one transaction; returns what went
     * wrong ({@code image keys not written: …}), or null.
     */
    public String write(String app, PinnedSource source, List<String> environments) {
        if (environments.isEmpty()) {
            return null;
        }
        List<KvOp> ops = new ArrayList<>();
        for (String env : environments) {
            ops.add(KvOp.set(imagesPrefix + "/" + app + "/" + env, source.image()));
            ops.add(KvOp.set(sourcesPrefix + "/" + app + "/" + env, source.toJson()));
        }
        try {
            ConsulClient.TxnOutcome outcome = consul.txn(ops);
            return outcome.committed() ? null : "image keys not written: " + outcome.errors();
        } catch (ConsulException e) {
            LOG.warnf("image keys of %s not written: %s", app, e.getMessage());
            return "image keys not written: " + e.getMessage();
        }
    }
}
