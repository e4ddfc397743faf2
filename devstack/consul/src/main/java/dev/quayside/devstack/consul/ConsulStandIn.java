package dev.quayside.devstack.consul;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a single-node Consul agent+server that speaks Consul's HTTP API for what Quayside uses: KV (with
 * blocking queries), transactions, agent service/check registration, catalog and health reads, status, and an ACL
 * token check. It listens on 127.0.0.1 only.
 *
 * <pre>{@code
 * try (ConsulStandIn consul = ConsulStandIn.start()) {
 *     ConsulClient client = ConsulClient.create(vertx, new ConsulClientOptions().setHost("127.0.0.1").setPort(consul.port()));
 * }
 * }</pre>
 */
public final class ConsulStandIn implements AutoCloseable {

    /** The Consul version the stand-in reports in {@code /v1/agent/self} (its txn limit of 64 is from before 1.14). */
    public static final String EMULATED_VERSION = "1.13.9";

    private final Options options;
    private final Vertx vertx;
    private final ConsulState state;
    private final CheckRunner checks;
    private final Persistence persistence;
    private final Faults faults = new Faults();
    private final HttpServer server;

    private ConsulStandIn(Options options) {
        this.options = options;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2));
        try {
            this.persistence = options.dataDir == null ? null : new Persistence(options.dataDir);
            String nodeId = persistence == null ? UUID.randomUUID().toString() : persistence.nodeId();
            this.state = new ConsulState(options.nodeName, nodeId);
            this.checks = new CheckRunner(vertx, state);
            if (persistence != null) {
                persistence.load(state);
                persistence.attach(state);
                state.read(() -> new java.util.ArrayList<>(state.catalog.checks())).forEach(checks::schedule);
            }
            this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(options.port)
                    .setIdleTimeout(0).setHandle100ContinueAutomatically(true))
                    .requestHandler(router())
                    .listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("could not start the Consul stand-in on 127.0.0.1:" + options.port
                    + ": " + e.getMessage(), e);
        }
    }

    /** Starts an in-memory stand-in on a random port of 127.0.0.1, without ACLs. */
    public static ConsulStandIn start() {
        return start(Options.defaults());
    }

    public static ConsulStandIn start(Options options) {
        return new ConsulStandIn(Objects.requireNonNull(options, "options"));
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The management token when ACLs are on, else null. */
    public String aclToken() {
        return options.aclToken;
    }

    public Options options() {
        return options;
    }

    /**
     * Makes the {@code skip+1}-th to {@code skip+count}-th requests whose method is {@code method} ("*" or null for
     * any) and whose decoded path starts with {@code pathPrefix} answer {@code status} (body "injected failure").
     */
    public void failRequests(String method, String pathPrefix, int skip, int count, int status) {
        faults.add(method, pathPrefix, skip, count, status);
    }

    /** Removes every rule given to {@link #failRequests}. */
    public void clearFailures() {
        faults.clear();
    }

    /** The current Raft-like index (what the next write will exceed). */
    public long lastIndex() {
        return state.lastIndex();
    }

    /** Stops serving; with a data directory, the state is written out first. */
    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
        checks.close();
        if (persistence != null) {
            persistence.close(state);
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }

    private Router router() {
        BlockingQueries blocking = new BlockingQueries(vertx, state);
        KvHttp kv = new KvHttp(state, blocking, options.kvMaxValueSize);
        TxnHttp txn = new TxnHttp(state, options.txnOpLimit, options.txnMaxRequestSize, options.kvMaxValueSize);
        AgentHttp agent = new AgentHttp(state, checks, EMULATED_VERSION);
        CatalogHttp catalog = new CatalogHttp(state, blocking);

        Router router = Router.router(vertx);
        router.route().handler(this::front);
        if (options.aclToken != null) {
            Acl acl = new Acl(options.aclToken, options.aclTokenWithoutPolicies);
            router.route().handler(acl::handle);
        }
        long bodyLimit = Math.max(options.kvMaxValueSize, options.txnMaxRequestSize) + 1;
        router.route().handler(ctx -> {
            // Consul checks Content-Length before reading a body
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) >= bodyLimit) {
                String path = Paths.decodedPath(ctx);
                // the body stays unread: close the connection after answering, as Go's server does
                ctx.response().putHeader("Connection", "close");
                Replies.text(ctx, 413, path.startsWith("/v1/txn")
                        ? "Request body too large, max size: " + (bodyLimit - 1) + " bytes"
                        : KvHttp.tooLarge(Long.parseLong(length), options.kvMaxValueSize));
                return;
            }
            ctx.next();
        });
        router.route().handler(ctx -> RequestBodies.collect(ctx, bodyLimit - 1,
                length -> Paths.decodedPath(ctx).startsWith("/v1/txn")
                        ? "Request body too large, max size: " + (bodyLimit - 1) + " bytes"
                        : KvHttp.tooLarge(length, options.kvMaxValueSize)));

        // by the decoded path, as Consul's mux: Vert.x's own matching would first resolve %2E%2E segments
        router.route().handler(ctx -> {
            if (Paths.decodedPath(ctx).startsWith(KvHttp.PREFIX)) {
                kv.handle(ctx);
            } else {
                ctx.next();
            }
        });
        router.put("/v1/txn").handler(txn::handle);

        router.get("/v1/agent/self").handler(agent::self);
        router.get("/v1/agent/members").handler(agent::members);
        router.get("/v1/agent/services").handler(agent::services);
        router.put("/v1/agent/service/register").handler(agent::registerService);
        router.put("/v1/agent/service/deregister/:id").handler(agent::deregisterService);
        router.put("/v1/agent/service/maintenance/:id").handler(agent::maintenance);
        router.get("/v1/agent/service/:id").handler(agent::service);
        router.get("/v1/agent/checks").handler(agent::checks);
        router.put("/v1/agent/check/register").handler(agent::registerCheck);
        router.put("/v1/agent/check/deregister/:id").handler(agent::deregisterCheck);
        router.put("/v1/agent/check/pass/:id").handler(ctx -> agent.ttl(ctx, HealthCheck.PASSING));
        router.put("/v1/agent/check/warn/:id").handler(ctx -> agent.ttl(ctx, HealthCheck.WARNING));
        router.put("/v1/agent/check/fail/:id").handler(ctx -> agent.ttl(ctx, HealthCheck.CRITICAL));
        router.put("/v1/agent/check/update/:id").handler(agent::update);

        router.get("/v1/catalog/services").handler(catalog::services);
        router.get("/v1/catalog/service/:name").handler(catalog::service);
        router.get("/v1/catalog/nodes").handler(catalog::nodes);
        router.get("/v1/catalog/node/:node").handler(catalog::node);
        router.get("/v1/catalog/datacenters").handler(catalog::datacenters);
        router.get("/v1/health/service/:name").handler(catalog::healthService);
        router.get("/v1/health/checks/:name").handler(catalog::healthChecks);
        router.get("/v1/health/state/:state").handler(catalog::healthState);
        router.get("/v1/health/node/:node").handler(catalog::healthNode);

        router.get("/v1/status/leader").handler(ctx -> Replies.json(ctx, 200, "127.0.0.1:8300"));
        router.get("/v1/status/peers").handler(ctx -> Replies.json(ctx, 200, new JsonArray().add("127.0.0.1:8300")));

        router.errorHandler(404, ctx -> Replies.text(ctx, 404, "404 page not found\n"));
        router.errorHandler(405, ctx -> Replies.text(ctx, 405, "method " + ctx.request().method().name()
                + " not allowed"));
        router.errorHandler(400, ctx -> Replies.text(ctx, 400, "400 Bad Request"));
        router.errorHandler(500, ctx -> Replies.text(ctx, 500, ctx.failure() == null ? "internal error"
                : ctx.failure().toString()));
        return router;
    }

    /**
     * Fault injection, then Go's path handling: malformed escapes are 400; an unclean path redirects (301) to the
     * cleaned one, judged on the escaped path as Go 1.22+'s {@code ServeMux} (which current Consul is built with) does,
     * so {@code %2F} and {@code %2E} segments reach the handler.
     */
    private void front(RoutingContext ctx) {
        String decoded;
        try {
            decoded = Paths.decodedPath(ctx);
        } catch (IllegalArgumentException e) {
            Replies.text(ctx, 400, "400 Bad Request");
            return;
        }
        int injected = faults.statusFor(ctx.request().method().name(), decoded);
        if (injected > 0) {
            Replies.text(ctx, injected, "injected failure (ConsulStandIn.failRequests)");
            return;
        }
        String escaped = ctx.request().path();
        String clean = escaped.equals("/v1/kv") ? "/v1/kv/" : Paths.clean(escaped);
        if (!clean.equals(escaped)) {
            String location = clean;
            String query = ctx.request().query();
            if (query != null && !query.isEmpty()) {
                location += "?" + query;
            }
            ctx.response().putHeader("Location", location);
            String method = ctx.request().method().name();
            if (method.equals("GET") || method.equals("HEAD")) {
                ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").setStatusCode(301)
                        .end("<a href=\"" + location + "\">Moved Permanently</a>.\n\n");
            } else {
                ctx.response().setStatusCode(301).end();
            }
            return;
        }
        ctx.next();
    }

    /** How to start a stand-in. */
    public static final class Options {
        private int port;
        private String aclToken;
        private String aclTokenWithoutPolicies;
        private Path dataDir;
        private int txnOpLimit = 64;
        private long kvMaxValueSize = 512 * 1024;
        private long txnMaxRequestSize = 512 * 1024;
        private String nodeName = "devstack";

        private Options() {
        }

        /** In memory, random port, no ACLs, txn limit 64 operations, 512 KB values and txn bodies. */
        public static Options defaults() {
            return new Options();
        }

        /** The port on 127.0.0.1; 0 (default) picks a free one. */
        public Options port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Turns ACLs on (default deny) with this management token; null turns them off. */
        public Options aclToken(String token) {
            if (token != null && token.isBlank()) {
                throw new IllegalArgumentException("the ACL token must not be blank");
            }
            this.aclToken = token;
            return this;
        }

        /**
         * With ACLs on, a second token that Consul knows but whose policies grant nothing (a token without policies):
         * its list reads come back filtered with {@code X-Consul-Results-Filtered-By-ACLs: true}, everything else is
         * 403 Permission denied. Null (default): no such token.
         */
        public Options aclTokenWithoutPolicies(String token) {
            if (token != null && token.isBlank()) {
                throw new IllegalArgumentException("the ACL token must not be blank");
            }
            this.aclTokenWithoutPolicies = token;
            return this;
        }

        /** Keeps KV and agent state in this directory across restarts; null (default) keeps it in memory. */
        public Options dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Most operations accepted in one {@code /v1/txn} (Consul: 64 before 1.14, 128 after). */
        public Options txnOpLimit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("txn operation limit must be at least 1");
            }
            this.txnOpLimit = limit;
            return this;
        }

        /** Largest KV value in bytes (Consul's {@code kv_max_value_size}, default 512 KB). */
        public Options kvMaxValueSize(long bytes) {
            this.kvMaxValueSize = bytes;
            return this;
        }

        /** Largest {@code /v1/txn} body in bytes (Consul's {@code txn_max_req_len}, default 512 KB). */
        public Options txnMaxRequestSize(long bytes) {
            this.txnMaxRequestSize = bytes;
            return this;
        }

        /** The node name the agent reports (default "devstack"). */
        public Options nodeName(String name) {
            this.nodeName = Objects.requireNonNull(name, "name");
            return this;
        }

        public int port() {
            return port;
        }

        public String aclToken() {
            return aclToken;
        }

        public Path dataDir() {
            return dataDir;
        }

        public int txnOpLimit() {
            return txnOpLimit;
        }
    }
}
