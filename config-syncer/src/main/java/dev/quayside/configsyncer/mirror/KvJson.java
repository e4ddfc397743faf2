package dev.quayside.configsyncer.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quayside.configsyncer.writeback.PinnedSource;
import dev.quayside.events.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The JSON form of config-syncer's own records in Consul KV ({@link SyncRecord}, {@link PinnedSource}). */
public final class KvJson {

    private KvJson() {
    }

    public static byte[] write(Object record) {
        try {
            return EventCodec.mapper().writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record in {@code json}, or null when there is none or it is not one (damaged, or someone else's). */
    public static <T> T read(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return EventCodec.mapper().readValue(json.getBytes(StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            return null;
        }
    }
}
