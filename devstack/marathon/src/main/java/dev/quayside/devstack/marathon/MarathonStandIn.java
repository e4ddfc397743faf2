package dev.quayside.devstack.marathon;

import dev.quayside.devstack.chronos.ChronosStandIn;
import dev.quayside.devstack.common.BestEffort;
import dev.quayside.devstack.mesos.DockerTasks;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Single-host stand-ins for Marathon (REST API v2) and Chronos (scheduler API) that run every task and job as a real
 * container on the local Docker engine. A development tool: production deploys to real Marathon and Chronos.
 *
 * <pre>{@code
 * try (MarathonStandIn marathon = MarathonStandIn.start()) {
 *     String url = marathon.marathonUrl(); // http://127.0.0.1:<random port>
 * }
 * }</pre>
 */
public final class MarathonStandIn implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MarathonStandIn.class.getName());

    /** How to start the stand-ins. Every setter returns this. */
    public static final class Options {
        int marathonPort;
        int chronosPort;
        String dockerHost;
        String standInId = "test-" + UUID.randomUUID().toString().substring(0, 8);
        Duration deploymentTimeout = Duration.ofSeconds(60);
        boolean rollbackFailedDeployments = true;
        String defaultImage;
        String username;
        String password;
        int defaultKillGraceSeconds = 5;
        int dockerThreads = 4;
        long tickMillis = 100;
        int maxVersions = 50;
        boolean dockerInit = true;
        boolean hostNetwork;
        java.nio.file.Path stateDir;
        final java.util.Map<String, String> taskLabels = new java.util.LinkedHashMap<>();

        /** Marathon's port on 127.0.0.1; 0 (default) = a random free port. */
        public Options marathonPort(int port) {
            this.marathonPort = port;
            return this;
        }

        /** Chronos' port on 127.0.0.1; 0 (default) = a random free port. */
        public Options chronosPort(int port) {
            this.chronosPort = port;
            return this;
        }

        /** Docker engine address; default {@code DOCKER_HOST} or {@code unix:///var/run/docker.sock}. */
        public Options dockerHost(String dockerHost) {
            this.dockerHost = dockerHost;
            return this;
        }

        /**
         * Names this stand-in on its containers' labels. A stand-in re-adopts the running containers carrying its id
         * and never touches others. Default: a random {@code test-…} id (the standalone command uses {@code standalone}).
         */
        public Options standInId(String id) {
            this.standInId = id;
            return this;
        }

        /** A deployment whose new tasks are not all healthy by then fails ({@code deployment_failed}); default 60 s. */
        public Options deploymentTimeout(Duration timeout) {
            this.deploymentTimeout = timeout;
            return this;
        }

        /** After a failed update, go back to the previous definition (default true). */
        public Options rollbackFailedDeployments(boolean rollback) {
            this.rollbackFailedDeployments = rollback;
            return this;
        }

        /** Image for apps and jobs without {@code container.docker.image} (Mesos command tasks); default none. */
        public Options defaultImage(String image) {
            this.defaultImage = image;
            return this;
        }

        /** Turns on HTTP basic auth for the Marathon API (Marathon's {@code --http_credentials}). */
        public Options credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        /**
         * Seconds between the stop signal and SIGKILL when an app has no {@code taskKillGracePeriodSeconds}; default 5,
         * the Mesos agent's {@code --executor_shutdown_grace_period} that its Docker executor then uses.
         */
        public Options defaultKillGraceSeconds(int seconds) {
            this.defaultKillGraceSeconds = seconds;
            return this;
        }

        /** Parallel Docker calls (create, start, stop); default 4. */
        public Options dockerThreads(int threads) {
            this.dockerThreads = threads;
            return this;
        }

        /** Run containers with Docker's init process, so stop signals reach shell commands; default true. */
        public Options dockerInit(boolean init) {
            this.dockerInit = init;
            return this;
        }

        /**
         * Runs the containers of apps in host networking ({@code networks: [{"mode": "host"}]}, Marathon's default) as
         * Marathon on Mesos does: in Docker's host network, binding their host ports themselves ({@code PORT0},
         * {@code PORT_<NAME>}). Default false: such a container gets a network of its own with each host port
         * published on 127.0.0.1 to the same port inside, so that tests and benchmarks that run many copies of an image
         * listening on one fixed port (the sample app's 8080) never clash on the host. {@code bin/quayside up
         * --on-marathon} turns it on: Quayside's own apps reach Kafka, Consul and the registry on 127.0.0.1.
         */
        public Options hostNetwork(boolean hostNetwork) {
            this.hostNetwork = hostNetwork;
            return this;
        }

        /**
         * Keeps the apps (definitions, versions) and Chronos jobs (with their counters) in JSON files in this folder,
         * so a restarted stand-in knows them too, not only the running containers it re-adopts; default: memory only.
         */
        public Options stateDir(java.nio.file.Path dir) {
            this.stateDir = dir;
            return this;
        }

        /**
         * Puts {@code key=value} on every task container besides the stand-in's own labels (which it cannot replace):
         * several stand-ins of one run (each with its own {@link #standInId(String) id}, so none re-adopts, kills or
         * counts the others' containers) share it, for a registrator that serves all of them and nothing else.
         */
        public Options taskLabel(String key, String value) {
            if (key == null || key.isBlank() || key.startsWith("quayside.marathon.") || value == null) {
                throw new IllegalArgumentException("a task label needs a key outside quayside.marathon.* and a value,"
                        + " got " + key + "=" + value);
            }
            taskLabels.put(key, value);
            return this;
        }

        public String standInId() {
            return standInId;
        }
    }

    private final Vertx vertx;
    private final DockerTasks docker;
    private final EventStream events;
    private final MarathonScheduler scheduler;
    private final ChronosStandIn chronos;
    private final HttpServer marathonServer;
    private final Options options;
    private volatile boolean closed;

    private MarathonStandIn(Options options) {
        this.options = options;
        this.docker = new DockerTasks(options.dockerHost, options.dockerInit);
        try {
            docker.ping();
        } catch (IllegalStateException e) {
            docker.close();
            throw e;
        }
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
        try {
            this.events = new EventStream(vertx);
            this.scheduler = new MarathonScheduler(vertx, docker, events, options);
            MarathonRoutes routes = new MarathonRoutes(scheduler, events, options);
            HttpServerOptions http = new HttpServerOptions().setHost("127.0.0.1").setCompressionSupported(false);
            this.marathonServer = vertx.createHttpServer(http.setPort(options.marathonPort))
                    .requestHandler(routes.router(vertx)).listen().toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            routes.port(marathonServer.actualPort());
            this.chronos = ChronosStandIn.startOn(vertx, docker, ChronosStandIn.options().port(options.chronosPort)
                    .standInId(options.standInId).defaultImage(options.defaultImage).stateDir(options.stateDir));
            scheduler.start();
        } catch (Exception e) {
            vertx.close();
            docker.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Could not start the Marathon/Chronos stand-in: " + e.getMessage(), e);
        }
        LOG.info(() -> "Marathon stand-in on " + marathonUrl() + ", Chronos stand-in on " + chronosUrl()
                + " (Docker " + docker.dockerHost() + ", id " + options.standInId + ")");
    }

    /** Starts both stand-ins on random ports of 127.0.0.1. */
    public static MarathonStandIn start() {
        return start(new Options());
    }

    public static MarathonStandIn start(Options options) {
        return new MarathonStandIn(options);
    }

    public static Options options() {
        return new Options();
    }

    /** {@code http://127.0.0.1:<port>}: Marathon's REST API v2 ({@code /v2/apps}, …). */
    public String marathonUrl() {
        return "http://127.0.0.1:" + marathonServer.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}: Chronos' API ({@code /v1/scheduler/*} and {@code /scheduler/*}). */
    public String chronosUrl() {
        return chronos.url();
    }

    /** The id on this stand-in's container labels ({@code quayside.marathon.stand-in}). */
    public String standInId() {
        return options.standInId;
    }

    /** Stops both stand-ins and stops and removes every container they started. */
    @Override
    public void close() {
        shutdown(true);
    }

    /**
     * Stops both stand-ins but leaves the app containers running, so that a stand-in started later with the same
     * {@link Options#standInId(String)} re-adopts them.
     */
    public void closeKeepingTasks() {
        shutdown(false);
    }

    private synchronized void shutdown(boolean stopTasks) {
        if (closed) {
            return;
        }
        closed = true;
        events.close();
        if (stopTasks) {
            chronos.close();
        } else {
            chronos.closeKeepingContainers();
        }
        scheduler.close(stopTasks);
        BestEffort.await(vertx.close().toCompletionStage(), 10);
        docker.close();
    }

    /** For tests: ids of the containers of running Marathon tasks. */
    java.util.List<String> taskContainerIds() {
        return scheduler.containerIds();
    }
}
