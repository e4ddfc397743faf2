package dev.quayside.configsyncer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.KvOp;
import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import dev.quayside.configsyncer.mirror.KeyLayout;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The pending promotions in Consul KV, one key per config repository, app and target environment
 * ({@code <prefix>/<repository>/<app>/<environment>}, JSON {@link PendingPromotion}); every change is a
 * check-and-set on the key's modify index, so two writers never overwrite each other unseen.
 */
@ApplicationScoped
public class PendingPromotions {

    private static final Logger LOG = Logger.getLogger(PendingPromotions.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One pending promotion with the modify index it was read at (for a check-and-set). */
    public record Stored(String key, PendingPromotion promotion, long index) {
    }

    private final ConsulClient consul;
    private final String prefix;

    PendingPromotions(ConsulClient consul, ConfigSyncerConfig config) {
        this.consul = consul;
        this.prefix = config.promotionsPrefix();
    }

    /** The key of one pending promotion, or why there can be none (a name Consul cannot take as a key). */
    public String key(String repository, String app, String environment) {
        for (String part : new String[] {repository, app, environment}) {
            if (part == null || part.isEmpty() || part.contains("/") || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("'" + part + "' cannot be part of a pending promotion's key");
            }
        }
        String key = prefix + "/" + repository + "/" + app + "/" + environment;
        String illegal = KeyLayout.illegalKeyReason(key);
        if (illegal != null) {
            throw new IllegalArgumentException(key + " cannot be a Consul key: " + illegal);
        }
        return key;
    }

    public Optional<Stored> get(String key) throws ConsulException {
        Optional<ConsulClient.Entry> entry = consul.get(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Stored(key, parse(key, entry.get().value()), entry.get().modifyIndex()));
    }

    /** Every pending promotion (their indexes are not read: {@link #get} one before changing it). */
    public List<PendingPromotion> all() throws ConsulException {
        List<PendingPromotion> all = new ArrayList<>();
        for (Map.Entry<String, String> e : consul.values(prefix + "/").entrySet()) {
            try {
                all.add(parse(e.getKey(), e.getValue()));
            } catch (IllegalStateException unreadable) {
                LOG.warn(unreadable.getMessage());
            }
        }
        return all;
    }

    /**
     * Writes {@code promotion} if the key is still as read: absent when {@code index} is 0, else at {@code index}.
     * False when someone else changed it first.
     */
    public boolean put(PendingPromotion promotion, long index) throws ConsulException {
        String key = key(promotion.repository(), promotion.app(), promotion.toEnvironment());
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(promotion);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a pending promotion: " + e.getMessage(), e);
        }
        KvOp check = index == 0 ? KvOp.checkNotExists(key) : KvOp.checkIndex(key, index);
        return consul.txn(List.of(check, KvOp.set(key, value))).committed();
    }

    /** Deletes {@code stored} if it is still as read; false when someone else changed it first. */
    public boolean delete(Stored stored) throws ConsulException {
        return consul.txn(List.of(KvOp.checkIndex(stored.key(), stored.index()), KvOp.delete(stored.key())))
                .committed();
    }

    private static PendingPromotion parse(String key, String value) {
        try {
            return JSON.readValue(value, PendingPromotion.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("pending promotion " + key + " is not readable: " + e.getOriginalMessage(),
                    e);
        }
    }
}
