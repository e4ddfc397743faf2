package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.ext.consul.KeyValue;
import io.vertx.ext.consul.KeyValueOptions;
import io.vertx.mutiny.ext.consul.ConsulClient;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** KV Store HTTP API (/v1/kv), driven only through the Vert.x Consul client. */
class KvContractTest {

    static ConsulTarget consul;
    static ConsulClient client;

    @BeforeAll
    static void start() {
        consul = ConsulTarget.start();
        client = consul.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        consul.close();
    }

    @Test
    @DisplayName("KV › Create/Update Key and Read Key: value, flags and indexes round-trip")
    void putThenGet() {
        String key = ConsulTarget.uniquePrefix("crud") + "app.yaml";
        assertThat(client.putValueWithOptions(key, "port: 8080", new KeyValueOptions().setFlags(42))
                .await().atMost(ConsulTarget.TIMEOUT)).isTrue();
        KeyValue kv = client.getValue(key).await().atMost(ConsulTarget.TIMEOUT);
        assertThat(kv.getKey()).isEqualTo(key);
        assertThat(kv.getValue()).isEqualTo("port: 8080");
        assertThat(kv.getFlags()).isEqualTo(42);
        assertThat(kv.getCreateIndex()).isPositive().isEqualTo(kv.getModifyIndex());
        assertThat(kv.getLockIndex()).isZero();

        client.putValue(key, "port: 9090").await().atMost(ConsulTarget.TIMEOUT);
        KeyValue updated = client.getValue(key).await().atMost(ConsulTarget.TIMEOUT);
        assertThat(updated.getValue()).isEqualTo("port: 9090");
        assertThat(updated.getCreateIndex()).isEqualTo(kv.getCreateIndex());
        assertThat(updated.getModifyIndex()).isGreaterThan(kv.getModifyIndex());
        assertThat(updated.getFlags()).as("a PUT without ?flags resets them to 0, as Consul does").isZero();
    }

    @Test
    @DisplayName("KV › Read Key: a missing key is a 404, which the client turns into an empty KeyValue")
    void missingKey() {
        KeyValue kv = client.getValue(ConsulTarget.uniquePrefix("missing") + "nothing").await()
                .atMost(ConsulTarget.TIMEOUT);
        assertThat(kv.getKey()).isNull();
        assertThat(kv.getModifyIndex()).isZero();
    }

    @Test
    @DisplayName("KV › Create/Update Key ?cas: 0 creates only if absent; a stale index loses the race")
    void casRaceBetweenTwoClients() {
        String key = ConsulTarget.uniquePrefix("cas") + "ref";
        ConsulClient other = consul.client();
        try {
            assertThat(client.putValueWithOptions(key, "a", new KeyValueOptions().setCasIndex(0))
                    .await().atMost(ConsulTarget.TIMEOUT)).isTrue();
            assertThat(other.putValueWithOptions(key, "b", new KeyValueOptions().setCasIndex(0))
                    .await().atMost(ConsulTarget.TIMEOUT)).as("cas=0 on an existing key").isFalse();

            long seen = client.getValue(key).await().atMost(ConsulTarget.TIMEOUT).getModifyIndex();
            long seenByOther = other.getValue(key).await().atMost(ConsulTarget.TIMEOUT).getModifyIndex();
            assertThat(seenByOther).isEqualTo(seen);
            boolean first = client.putValueWithOptions(key, "from-first", new KeyValueOptions().setCasIndex(seen))
                    .await().atMost(ConsulTarget.TIMEOUT);
            boolean second = other.putValueWithOptions(key, "from-other",
                    new KeyValueOptions().setCasIndex(seenByOther)).await().atMost(ConsulTarget.TIMEOUT);
            assertThat(first).isTrue();
            assertThat(second).as("the second writer used a stale index").isFalse();
            assertThat(client.getValue(key).await().atMost(ConsulTarget.TIMEOUT).getValue()).isEqualTo("from-first");
        } finally {
            other.close();
        }
    }

    @Test
    @DisplayName("KV › Delete Key ?recurse: without a trailing '/' the prefix also matches similarly named keys")
    void recurseDeleteIsAPlainPrefixMatch() {
        String root = ConsulTarget.uniquePrefix("recurse");
        for (String k : List.of("test/a", "test/b", "test_dev/c", "testing")) {
            client.putValue(root + k, "v").await().atMost(ConsulTarget.TIMEOUT);
        }
        client.deleteValues(root + "test/").await().atMost(ConsulTarget.TIMEOUT);
        assertThat(client.getKeys(root).await().atMost(ConsulTarget.TIMEOUT))
                .as("with the trailing '/' only the folder goes")
                .containsExactly(root + "test_dev/c", root + "testing");

        client.deleteValues(root + "test").await().atMost(ConsulTarget.TIMEOUT);
        assertThat(client.getKeys(root).await().atMost(ConsulTarget.TIMEOUT))
                .as("without it, test_dev/c and testing go too (git2consul's bug, Consul's documented behaviour)")
                .isEmpty();
    }

    @Test
    @DisplayName("KV › Read Key ?recurse and ?keys&separator: sorted listing and folder roll-up")
    void listingAndKeysWithSeparator() {
        String root = ConsulTarget.uniquePrefix("list");
        for (String k : List.of("web/foo", "web/bar", "web/subdir/x", "web/subdir/y")) {
            client.putValue(root + k, k).await().atMost(ConsulTarget.TIMEOUT);
        }
        List<String> values = client.getValues(root + "web/").await().atMost(ConsulTarget.TIMEOUT).getList().stream()
                .map(KeyValue::getKey).collect(Collectors.toList());
        assertThat(values).containsExactly(root + "web/bar", root + "web/foo", root + "web/subdir/x",
                root + "web/subdir/y");
        assertThat(client.getKeysWithOptions(root + "web/", null).await().atMost(ConsulTarget.TIMEOUT)).hasSize(4);
        var raw = consul.send("GET", "/v1/kv/" + root + "web/?keys&separator=/", null);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(new io.vertx.core.json.JsonArray(raw.body()).getList()).containsExactly(root + "web/bar",
                root + "web/foo", root + "web/subdir/");
    }

    @Test
    @DisplayName("KV › Delete Key ?cas and plain delete")
    void deleteKey() {
        String key = ConsulTarget.uniquePrefix("delete") + "k";
        client.putValue(key, "v").await().atMost(ConsulTarget.TIMEOUT);
        client.deleteValue(key).await().atMost(ConsulTarget.TIMEOUT);
        assertThat(client.getValue(key).await().atMost(ConsulTarget.TIMEOUT).getKey()).isNull();

        client.putValue(key, "v").await().atMost(ConsulTarget.TIMEOUT);
        long index = client.getValue(key).await().atMost(ConsulTarget.TIMEOUT).getModifyIndex();
        assertThat(consul.send("DELETE", "/v1/kv/" + key + "?cas=" + (index - 1), null).body()).isEqualTo("false");
        assertThat(consul.send("DELETE", "/v1/kv/" + key + "?cas=" + index, null).body()).isEqualTo("true");
        assertThat(client.getValue(key).await().atMost(ConsulTarget.TIMEOUT).getKey()).isNull();
    }
}
