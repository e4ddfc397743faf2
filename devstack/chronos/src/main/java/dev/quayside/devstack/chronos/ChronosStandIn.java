package dev.quayside.devstack.chronos;

import dev.quayside.devstack.common.BestEffort;
import dev.quayside.devstack.common.StateFile;
import dev.quayside.devstack.mesos.DockerTasks;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A single-host stand-in for Chronos' scheduler API ({@code /scheduler/*} and {@code /v1/scheduler/*}) that runs every
 * job as a real container on the local Docker engine. A development tool: production schedules on real Chronos.
 *
 * <pre>{@code
 * try (ChronosStandIn chronos = ChronosStandIn.start()) {
 *     String url = chronos.url(); // http://127.0.0.1:<random port>
 * }
 * }</pre>
 */
public final class ChronosStandIn implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChronosStandIn.class.getName());
    /** The state file in {@link Options#stateDir(Path)}. */
    public static final String STATE_FILE = "chronos-jobs.json";

    /** How to start the stand-in. Every setter returns this. */
    public static final class Options {
        int port;
        String dockerHost;
        boolean dockerInit = true;
        String standInId = "test-" + UUID.randomUUID().toString().substring(0, 8);
        String defaultImage;
        Path stateDir;

        /** Port on 127.0.0.1; 0 (default) = a random free port. */
        public Options port(int port) {
            this.port = port;
            return this;
        }

        /** Docker engine address; default {@code DOCKER_HOST} or {@code unix:///var/run/docker.sock}. */
        public Options dockerHost(String dockerHost) {
            this.dockerHost = dockerHost;
            return this;
        }

        /** Run job containers with Docker's init process, so stop signals reach shell commands; default true. */
        public Options dockerInit(boolean init) {
            this.dockerInit = init;
            return this;
        }

        /** Names this stand-in on its containers' labels ({@code quayside.marathon.stand-in}); default random. */
        public Options standInId(String id) {
            this.standInId = id;
            return this;
        }

        /** Image for jobs without {@code container.image}; default none. */
        public Options defaultImage(String image) {
            this.defaultImage = image;
            return this;
        }

        /** Keeps the jobs (with their counters) in {@value #STATE_FILE} there; default: memory only. */
        public Options stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public String standInId() {
            return standInId;
        }
    }

    private final Vertx vertx;
    private final DockerTasks docker;
    private final boolean ownsVertxAndDocker;
    private final ChronosScheduler scheduler;
    private final String standInId;
    private final HttpServer server;
    private final long timer;
    private volatile boolean closed;

    private ChronosStandIn(Vertx vertx, DockerTasks docker, boolean owns, Options options) {
        this.vertx = vertx;
        this.docker = docker;
        this.ownsVertxAndDocker = owns;
        this.standInId = options.standInId;
        this.scheduler = new ChronosScheduler(docker, options.standInId, options.defaultImage,
                options.stateDir == null ? null : new StateFile(options.stateDir.resolve(STATE_FILE)));
        try {
            this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(options.port))
                    .requestHandler(new ChronosRoutes(scheduler).router(vertx)).listen()
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            scheduler.close(false);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Could not start the Chronos stand-in on 127.0.0.1:" + options.port + ": "
                    + e.getMessage(), e);
        }
        this.timer = vertx.setPeriodic(200, id -> scheduler.tick());
    }

    /** Starts a stand-in on a random port of 127.0.0.1. */
    public static ChronosStandIn start() {
        return start(new Options());
    }

    public static ChronosStandIn start(Options options) {
        DockerTasks docker = new DockerTasks(options.dockerHost, options.dockerInit);
        try {
            docker.ping();
        } catch (IllegalStateException e) {
            docker.close();
            throw e;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        try {
            ChronosStandIn standIn = new ChronosStandIn(vertx, docker, true, options);
            LOG.info(() -> "Chronos stand-in on " + standIn.url() + " (Docker " + docker.dockerHost() + ", id "
                    + options.standInId + ")");
            return standIn;
        } catch (RuntimeException e) {
            vertx.close();
            docker.close();
            throw e;
        }
    }

    /**
     * Starts a stand-in on a Vert.x instance and Docker engine that the caller owns and closes (the Marathon
     * stand-in starts its Chronos this way); {@link #close()} stops only what this method started.
     */
    public static ChronosStandIn startOn(Vertx vertx, DockerTasks docker, Options options) {
        return new ChronosStandIn(vertx, docker, false, options);
    }

    public static Options options() {
        return new Options();
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}: Chronos' API ({@code /v1/scheduler/*} and {@code /scheduler/*}). */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The id on this stand-in's container labels ({@code quayside.marathon.stand-in}). */
    public String standInId() {
        return standInId;
    }

    /** Stops the stand-in and removes every job container it started. */
    @Override
    public void close() {
        shutdown(true);
    }

    /** Stops the stand-in; job containers still running are left alone. */
    public void closeKeepingContainers() {
        shutdown(false);
    }

    private synchronized void shutdown(boolean stopContainers) {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(timer);
        scheduler.close(stopContainers);
        BestEffort.await(server.close().toCompletionStage(), 10);
        if (ownsVertxAndDocker) {
            BestEffort.await(vertx.close().toCompletionStage(), 10);
            docker.close();
        }
    }
}
