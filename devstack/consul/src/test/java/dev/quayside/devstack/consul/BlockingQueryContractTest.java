package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.ext.consul.BlockingQueryOptions;
import io.vertx.ext.consul.KeyValue;
import io.vertx.ext.consul.KeyValueList;
import io.vertx.ext.consul.ServiceEntryList;
import io.vertx.ext.consul.ServiceList;
import io.vertx.ext.consul.ServiceOptions;
import io.vertx.mutiny.ext.consul.WatchResult;
import io.vertx.mutiny.ext.consul.ConsulClient;
import io.vertx.mutiny.ext.consul.Watch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Blocking Queries (Consul API › Features › Blocking Queries) and the Vert.x Watch API built on them. */
class BlockingQueryContractTest {

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
    @DisplayName("Blocking Queries: a prefix read with ?index wakes on a write under the prefix")
    void wakesOnChange() throws Exception {
        String root = ConsulTarget.uniquePrefix("block");
        client.putValue(root + "a", "1").await().atMost(ConsulTarget.TIMEOUT);
        KeyValueList first = client.getValues(root).await().atMost(ConsulTarget.TIMEOUT);
        long index = first.getIndex();

        CompletableFuture<KeyValueList> next = client.getValuesWithOptions(root,
                new BlockingQueryOptions().setIndex(index).setWait("30s")).subscribeAsCompletionStage();
        Thread.sleep(200);
        assertThat(next).as("nothing changed yet: still blocked").isNotDone();
        client.putValue(ConsulTarget.uniquePrefix("elsewhere") + "x", "ignored").await().atMost(ConsulTarget.TIMEOUT);
        Thread.sleep(200);
        assertThat(next).as("a write outside the prefix does not wake it").isNotDone();

        long started = System.nanoTime();
        client.putValue(root + "b", "2").await().atMost(ConsulTarget.TIMEOUT);
        KeyValueList woken = next.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("woke long before the 30s wait")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(woken.getIndex()).isGreaterThan(index);
        assertThat(woken.getList()).extracting(KeyValue::getKey).containsExactly(root + "a", root + "b");
    }

    @Test
    @DisplayName("Blocking Queries: a single-key read blocks on the key's ModifyIndex; other keys do not wake it")
    void singleKeyBlocks() throws Exception {
        String root = ConsulTarget.uniquePrefix("block-key");
        client.putValue(root + "watched", "1").await().atMost(ConsulTarget.TIMEOUT);
        long index = client.getValue(root + "watched").await().atMost(ConsulTarget.TIMEOUT).getModifyIndex();
        client.putValue(root + "other", "x").await().atMost(ConsulTarget.TIMEOUT);
        CompletableFuture<KeyValue> next = client.getValueWithOptions(root + "watched",
                new BlockingQueryOptions().setIndex(index).setWait("30s")).subscribeAsCompletionStage();
        Thread.sleep(300);
        assertThat(next).as("a write to another key does not end the wait").isNotDone();
        client.putValue(root + "watched", "2").await().atMost(ConsulTarget.TIMEOUT);
        KeyValue woken = next.get(5, TimeUnit.SECONDS);
        assertThat(woken.getValue()).isEqualTo("2");
        assertThat(woken.getModifyIndex()).isGreaterThan(index);
    }

    @Test
    @DisplayName("Blocking Queries: without a change the read answers after ?wait (plus at most wait/16 jitter)")
    void timesOutOnWait() {
        String root = ConsulTarget.uniquePrefix("timeout");
        client.putValue(root + "a", "1").await().atMost(ConsulTarget.TIMEOUT);
        long index = client.getValues(root).await().atMost(ConsulTarget.TIMEOUT).getIndex();
        long started = System.nanoTime();
        KeyValueList same = client.getValuesWithOptions(root, new BlockingQueryOptions().setIndex(index)
                .setWait("1s")).await().atMost(ConsulTarget.TIMEOUT);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // at least the wait; at most wait + wait/16 jitter, plus slack for a loaded machine
        assertThat(took).isBetween(Duration.ofMillis(950), Duration.ofSeconds(6));
        assertThat(same.getIndex()).as("same index: nothing changed").isEqualTo(index);
    }

    @Test
    @DisplayName("Blocking Queries: a deletion under the prefix also wakes it and the index still grows")
    void deleteWakes() throws Exception {
        String root = ConsulTarget.uniquePrefix("block-delete");
        client.putValue(root + "a", "1").await().atMost(ConsulTarget.TIMEOUT);
        client.putValue(root + "b", "1").await().atMost(ConsulTarget.TIMEOUT);
        long index = client.getValues(root).await().atMost(ConsulTarget.TIMEOUT).getIndex();
        CompletableFuture<KeyValueList> next = client.getValuesWithOptions(root,
                new BlockingQueryOptions().setIndex(index).setWait("30s")).subscribeAsCompletionStage();
        client.deleteValue(root + "b").await().atMost(ConsulTarget.TIMEOUT);
        KeyValueList woken = next.get(5, TimeUnit.SECONDS);
        assertThat(woken.getIndex()).isGreaterThan(index);
        assertThat(woken.getList()).extracting(KeyValue::getKey).containsExactly(root + "a");
    }

    @Test
    @DisplayName("Watches › keyPrefix: the Vert.x Watch reports each change")
    void keyPrefixWatch() {
        String root = ConsulTarget.uniquePrefix("watch");
        List<WatchResult<KeyValueList>> seen = new CopyOnWriteArrayList<>();
        Watch<KeyValueList> watch = Watch.keyPrefix(root, consul.vertx, consul.options()).setHandler(seen::add)
                .start();
        try {
            client.putValue(root + "one", "1").await().atMost(ConsulTarget.TIMEOUT);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(r -> r.succeeded()
                    && r.nextResult().getList() != null && r.nextResult().getList().size() == 1));
            client.putValue(root + "two", "2").await().atMost(ConsulTarget.TIMEOUT);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(r -> r.succeeded()
                    && r.nextResult().getList() != null && r.nextResult().getList().size() == 2));
            assertThat(seen).allMatch(WatchResult::succeeded);
        } finally {
            watch.stop();
        }
    }

    @Test
    @DisplayName("Watches › key: the Vert.x Watch sees the value change")
    void keyWatch() {
        String key = ConsulTarget.uniquePrefix("watch-key") + "k";
        client.putValue(key, "v1").await().atMost(ConsulTarget.TIMEOUT);
        List<String> values = new CopyOnWriteArrayList<>();
        Watch<KeyValue> watch = Watch.key(key, consul.vertx, consul.options()).setHandler(r -> {
            if (r.succeeded()) {
                values.add(r.nextResult().getValue());
            }
        }).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> values.contains("v1"));
            client.putValue(key, "v2").await().atMost(ConsulTarget.TIMEOUT);
            await().atMost(Duration.ofSeconds(10)).until(() -> values.contains("v2"));
        } finally {
            watch.stop();
        }
    }

    @Test
    @DisplayName("Watches › services and service: registrations show up in both watches")
    void serviceWatches() {
        String name = "watched-" + ConsulTarget.uniquePrefix("svc").replaceAll("[^a-z0-9]", "").substring(0, 20);
        List<ServiceList> services = new CopyOnWriteArrayList<>();
        List<ServiceEntryList> entries = new CopyOnWriteArrayList<>();
        Watch<ServiceList> servicesWatch = Watch.services(consul.vertx, consul.options()).setHandler(r -> {
            if (r.succeeded()) {
                services.add(r.nextResult());
            }
        }).start();
        Watch<ServiceEntryList> serviceWatch = Watch.service(name, consul.vertx, consul.options()).setHandler(r -> {
            if (r.succeeded()) {
                entries.add(r.nextResult());
            }
        }).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !services.isEmpty() && !entries.isEmpty());
            client.registerService(new ServiceOptions().setName(name).setId(name + "-1").setPort(8080)
                    .setAddress("127.0.0.1")).await().atMost(ConsulTarget.TIMEOUT);
            await().atMost(Duration.ofSeconds(10)).until(() -> services.stream().anyMatch(
                    l -> l.getList().stream().anyMatch(s -> s.getName().equals(name))));
            await().atMost(Duration.ofSeconds(10)).until(() -> entries.stream().anyMatch(
                    l -> l.getList().size() == 1 && l.getList().get(0).getService().getPort() == 8080));
        } finally {
            servicesWatch.stop();
            serviceWatch.stop();
            client.deregisterService(name + "-1").await().atMost(ConsulTarget.TIMEOUT);
        }
    }
}
