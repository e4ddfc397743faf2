package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.consul.KeyValue;
import io.vertx.ext.consul.TxnError;
import io.vertx.ext.consul.TxnKVOperation;
import io.vertx.ext.consul.TxnKVVerb;
import io.vertx.ext.consul.TxnRequest;
import io.vertx.ext.consul.TxnResponse;
import io.vertx.mutiny.ext.consul.ConsulClient;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Transaction HTTP API (PUT /v1/txn), through the Vert.x Consul client where it can express the request. */
class TxnContractTest {

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

    private static TxnKVOperation op(TxnKVVerb verb, String key, String value) {
        return new TxnKVOperation().setType(verb).setKey(key).setValue(value);
    }

    @Test
    @DisplayName("Transaction › Create Transaction: all sets commit at one index; results carry no values")
    void commit() {
        String root = ConsulTarget.uniquePrefix("txn-commit");
        TxnResponse response = client.transaction(new TxnRequest()
                .addOperation(op(TxnKVVerb.SET, root + "a", "1"))
                .addOperation(op(TxnKVVerb.SET, root + "b", "2"))
                .addOperation(op(TxnKVVerb.GET_TREE, root, "")))
                .await().atMost(ConsulTarget.TIMEOUT);
        assertThat(response.getErrors()).isEmpty();
        assertThat(response.getResultsSize()).isEqualTo(4);
        KeyValue setA = (KeyValue) response.getResults().get(0);
        KeyValue treeB = (KeyValue) response.getResults().get(3);
        assertThat(setA.getKey()).isEqualTo(root + "a");
        assertThat(setA.getValue()).as("set results omit the value").isEmpty();
        assertThat(treeB.getValue()).as("get-tree results carry it").isEqualTo("2");
        assertThat(setA.getModifyIndex()).as("one transaction, one index").isEqualTo(treeB.getModifyIndex());
        assertThat(client.getValue(root + "b").await().atMost(ConsulTarget.TIMEOUT).getValue()).isEqualTo("2");
    }

    @Test
    @DisplayName("Transaction › Create Transaction: a failed check-index rolls everything back (409, Errors)")
    void rollback() {
        String root = ConsulTarget.uniquePrefix("txn-rollback");
        client.putValue(root + "ref", "abc").await().atMost(ConsulTarget.TIMEOUT);
        client.putValue(root + "old/1", "gone?").await().atMost(ConsulTarget.TIMEOUT);
        long index = client.getValue(root + "ref").await().atMost(ConsulTarget.TIMEOUT).getModifyIndex();
        TxnResponse response = client.transaction(new TxnRequest()
                .addOperation(op(TxnKVVerb.SET, root + "x", "1"))
                .addOperation(op(TxnKVVerb.DELETE_TREE, root + "old/", ""))
                .addOperation(op(TxnKVVerb.CHECK_INDEX, root + "ref", "").setIndex(index + 1000)))
                .await().atMost(ConsulTarget.TIMEOUT);
        assertThat(response.getResultsSize()).isZero();
        assertThat(response.getErrors()).extracting(TxnError::getOpIndex).containsExactly(2);
        assertThat(response.getErrors().get(0).getWhat()).isEqualTo("current modify index " + index + " != "
                + (index + 1000));
        assertThat(client.getValue(root + "x").await().atMost(ConsulTarget.TIMEOUT).getKey()).isNull();
        assertThat(client.getValue(root + "ref").await().atMost(ConsulTarget.TIMEOUT).getValue()).isEqualTo("abc");
        assertThat(client.getValue(root + "old/1").await().atMost(ConsulTarget.TIMEOUT).getValue())
                .as("the delete-tree was rolled back too").isEqualTo("gone?");
    }

    @Test
    @DisplayName("Transaction › KV operations: cas, delete-cas and get report stale indexes and missing keys")
    void verbErrors() {
        String root = ConsulTarget.uniquePrefix("txn-verbs");
        client.putValue(root + "k", "v").await().atMost(ConsulTarget.TIMEOUT);
        long index = client.getValue(root + "k").await().atMost(ConsulTarget.TIMEOUT).getModifyIndex();
        TxnResponse response = client.transaction(new TxnRequest()
                .addOperation(op(TxnKVVerb.CAS, root + "k", "w").setIndex(index - 1))
                .addOperation(op(TxnKVVerb.DELETE_CAS, root + "k", "").setIndex(index - 1))
                .addOperation(op(TxnKVVerb.GET, root + "nope", "")))
                .await().atMost(ConsulTarget.TIMEOUT);
        assertThat(response.getErrors()).extracting(TxnError::getWhat).containsExactly(
                "failed to set key \"" + root + "k\", index is stale",
                "failed to delete key \"" + root + "k\", index is stale",
                "key \"" + root + "nope\" doesn't exist");

        TxnResponse ok = client.transaction(new TxnRequest()
                .addOperation(op(TxnKVVerb.CAS, root + "k", "w").setIndex(index))).await()
                .atMost(ConsulTarget.TIMEOUT);
        assertThat(ok.getErrors()).isEmpty();
        assertThat(client.getValue(root + "k").await().atMost(ConsulTarget.TIMEOUT).getValue()).isEqualTo("w");
    }

    @Test
    @DisplayName("Transaction › check-not-exists (raw HTTP: the Vert.x client has no such verb)")
    void checkNotExists() {
        String root = ConsulTarget.uniquePrefix("txn-cne");
        client.putValue(root + "there", "v").await().atMost(ConsulTarget.TIMEOUT);
        var response = consul.send("PUT", "/v1/txn", new JsonArray()
                .add(kv("check-not-exists", root + "there", null))
                .add(kv("set", root + "new", "eA==")).encode());
        assertThat(response.statusCode()).isEqualTo(409);
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getValue("Results")).isNull();
        assertThat(body.getJsonArray("Errors").getJsonObject(0).getString("What"))
                .isEqualTo("key \"" + root + "there\" exists");

        var fine = consul.send("PUT", "/v1/txn", new JsonArray()
                .add(kv("check-not-exists", root + "absent", null))
                .add(kv("set", root + "new", Base64.getEncoder().encodeToString("x".getBytes()))).encode());
        assertThat(fine.statusCode()).isEqualTo(200);
        JsonObject result = new JsonObject(fine.body());
        assertThat(result.getValue("Errors")).isNull();
        assertThat(result.getJsonArray("Results")).hasSize(1);
        assertThat(result.getJsonArray("Results").getJsonObject(0).getJsonObject("KV").getValue("Value")).isNull();
    }

    @Test
    @DisplayName("Transaction › limits: more operations than the limit is 413 with Consul's text")
    void tooManyOperations() {
        JsonArray ops = new JsonArray();
        for (int i = 0; i < 65; i++) {
            ops.add(kv("set", "quayside-test/limit/" + i, null));
        }
        var response = consul.send("PUT", "/v1/txn", ops.encode());
        if (consul.isStandIn()) {
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).isEqualTo("Transaction contains too many operations (65 > 64)");
        } else {
            // Consul 1.14+ allows 128; either way nothing past the limit is applied
            assertThat(response.statusCode()).isIn(200, 413);
        }
    }

    @Test
    @DisplayName("Transaction › bad input: unknown verb is a 409 naming the op; malformed JSON is a 400")
    void badInput() {
        var unknown = consul.send("PUT", "/v1/txn", new JsonArray().add(kv("frobnicate", "k", null)).encode());
        assertThat(unknown.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(unknown.body()).getJsonArray("Errors").getJsonObject(0).getString("What"))
                .isEqualTo("unknown KV verb \"frobnicate\"");

        var malformed = consul.send("PUT", "/v1/txn", "[{\"KV\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).startsWith("Failed to parse body: ");

        var notArray = consul.send("PUT", "/v1/txn", "{\"KV\": {}}");
        assertThat(notArray.statusCode()).isEqualTo(400);
        assertThat(notArray.body()).startsWith("Failed to parse body: json: cannot unmarshal object");

        var badBase64 = consul.send("PUT", "/v1/txn", new JsonArray().add(kv("set", "k", "%%%")).encode());
        assertThat(badBase64.statusCode()).isEqualTo(400);
        assertThat(badBase64.body()).startsWith("Failed to parse body: failed to decode value: illegal base64");
    }

    @Test
    @DisplayName("Transaction › limits: a body over txn_max_req_len (512 KB) is 413")
    void requestTooLarge() {
        String big = Base64.getEncoder().encodeToString(new byte[400 * 1024]);
        JsonArray ops = new JsonArray().add(kv("set", "quayside-test/big/1", big)).add(kv("set", "quayside-test/big/2",
                big));
        var response = consul.send("PUT", "/v1/txn", ops.encode());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).startsWith("Request body too large, max size: 524288 bytes");
    }

    static JsonObject kv(String verb, String key, String base64Value) {
        JsonObject kv = new JsonObject().put("Verb", verb).put("Key", key);
        if (base64Value != null) {
            kv.put("Value", base64Value);
        }
        return new JsonObject().put("KV", kv);
    }
}
