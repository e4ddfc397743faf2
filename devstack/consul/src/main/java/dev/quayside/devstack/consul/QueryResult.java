package dev.quayside.devstack.consul;

import io.vertx.core.buffer.Buffer;

/**
 * What a read endpoint answers: a status, the index for {@code X-Consul-Index}, and a body (a Vert.x JSON value,
 * a raw {@link Buffer} for {@code ?raw}, or null for none).
 */
record QueryResult(int status, long index, Object body) {

    /** A body that is JSON {@code null} (what Consul answers for an unknown node). */
    static final Object JSON_NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    static QueryResult ok(long index, Object body) {
        return new QueryResult(200, index, body);
    }

    static QueryResult notFound(long index) {
        return new QueryResult(404, index, null);
    }
}
