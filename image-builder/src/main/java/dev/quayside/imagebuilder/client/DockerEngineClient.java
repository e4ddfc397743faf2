package dev.quayside.imagebuilder.client;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.quayside.imagebuilder.config.DockerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The Docker engine through docker-java (zerodep transport: {@code unix://} sockets and {@code tcp://} hosts):
 * builds (from a context packed by {@link BuildContext}), pushes, removes images. Engine outages become {@link InfrastructureException}s retried with
 * {@link Backoff}; errors of the build itself become {@link BuildFailedException}s.
 */
@ApplicationScoped
public class DockerEngineClient {

    /**
     * One image build.
     *
     * @param context    the build context folder
     * @param dockerfile the Dockerfile, inside {@code context}
     */
    public record BuildRequest(Path context, Path dockerfile, Set<String> tags, Map<String, String> labels,
            Map<String, String> buildArgs, String target) {
    }

    private final DockerClient docker;
    private final String host;
    private final Backoff backoff;
    private final DockerCredentials credentials;
    private final Timer buildTimer;
    private final Timer pushTimer;

    DockerEngineClient(DockerConfig config, Backoff backoff, DockerCredentials credentials, MeterRegistry meters) {
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
        config.host().ifPresent(builder::withDockerHost);
        DefaultDockerClientConfig clientConfig = builder.build();
        this.host = clientConfig.getDockerHost().toString();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .connectionTimeout(config.connectTimeout())
                .responseTimeout(Duration.ofHours(1))
                .build();
        this.docker = DockerClientImpl.getInstance(clientConfig, http);
        this.backoff = backoff;
        this.credentials = credentials;
        this.buildTimer = Timer.builder("quayside.image-builder.docker.build").description("docker build calls")
                .register(meters);
        this.pushTimer = Timer.builder("quayside.image-builder.docker.push").description("docker push calls")
                .register(meters);
    }

    /** The engine's address, e.g. {@code unix:///var/run/docker.sock}. */
    public String host() {
        return host;
    }

    /** True when the engine answers a ping (readiness). */
    public boolean answers() {
        try {
            docker.pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Builds the image, streaming the engine's output to {@code log}; returns the image id. Retries while the engine
     * is unreachable. {@code onStart} runs once the engine answered, just before the context is packed and sent (the
     * point where {@code docker build} starts).
     */
    public String build(BuildRequest request, Consumer<String> log, Abort abort, Runnable onStart) {
        AtomicBoolean started = new AtomicBoolean();
        Runnable once = () -> {
            if (started.compareAndSet(false, true)) {
                onStart.run();
            }
        };
        Path archive = null;
        try {
            long packing = System.nanoTime();
            // beside the context, never in it (a context of "." would otherwise pack its own archive)
            archive = Files.createTempFile(request.context().toAbsolutePath().normalize().getParent(), "context-",
                    ".tar");
            try (OutputStream out = Files.newOutputStream(archive)) {
                BuildContext.pack(request.context(), request.dockerfile(), out);
            }
            log.accept("build context packed in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - packing)
                    + " ms (" + Files.size(archive) / 1024 + " KiB)");
            Path packed = archive;
            return backoff.call("docker build", log, () -> buildOnce(request, packed, log, abort, once));
        } catch (IOException | UncheckedIOException e) {
            throw new BuildFailedException("cannot pack the build context: " + e.getMessage(), e);
        } finally {
            if (archive != null) {
                try {
                    Files.deleteIfExists(archive);
                } catch (IOException e) {
                    log.accept("could not delete the packed context " + archive + ": " + e.getMessage());
                }
            }
        }
    }

    private String buildOnce(BuildRequest request, Path archive, Consumer<String> log, Abort abort,
            Runnable onStart) {
        ping();
        onStart.run();
        String dockerfile = request.context().toAbsolutePath().normalize()
                .relativize(request.dockerfile().toAbsolutePath().normalize()).toString();
        InputStream context;
        try {
            context = Files.newInputStream(archive);
        } catch (IOException e) {
            throw new BuildFailedException("cannot read the packed build context: " + e.getMessage(), e);
        }
        BuildImageCmd cmd = docker.buildImageCmd(context)
                .withDockerfilePath(dockerfile)
                .withTags(request.tags())
                .withLabels(request.labels())
                .withPull(false)
                .withRemove(true)
                .withForcerm(true);
        request.buildArgs().forEach(cmd::withBuildArg);
        if (request.target() != null) {
            cmd.withTarget(request.target());
        }
        AtomicReference<String> imageId = new AtomicReference<>();
        AtomicReference<String> error = new AtomicReference<>();
        Timer.Sample sample = Timer.start();
        ResultCallback.Adapter<BuildResponseItem> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(BuildResponseItem item) {
                lines(item, log);
                if (item.isErrorIndicated()) {
                    error.set(errorOf(item));
                }
                if (item.isBuildSuccessIndicated()) {
                    imageId.set(item.getImageId());
                }
            }
        };
        try {
            cmd.exec(callback);
            abort.watch(callback);
            callback.awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildFailedException("build interrupted", e);
        } catch (DockerException e) {
            if (abort.aborted()) {
                throw new BuildFailedException("build stopped", e);
            }
            throw classify(e);
        } catch (RuntimeException e) {
            if (abort.aborted()) {
                throw new BuildFailedException("build stopped", e);
            }
            if (e.getCause() instanceof IOException || e instanceof java.io.UncheckedIOException) {
                throw new InfrastructureException("Docker engine " + host + " failed during the build: " + e, e);
            }
            throw new BuildFailedException("docker build failed: " + e.getMessage(), e);
        } finally {
            abort.unwatch();
            sample.stop(buildTimer);
            closeQuietly(context);
        }
        if (abort.aborted()) {
            throw new BuildFailedException("build stopped");
        }
        if (error.get() != null) {
            throw new BuildFailedException("docker build failed: " + error.get());
        }
        if (imageId.get() == null) {
            throw new InfrastructureException("Docker engine " + host + " ended the build without an image id");
        }
        return imageId.get();
    }

    /**
     * Gives the local image {@code imageId} the tag {@code repository:tag} (taken from any image that had it). Retries
     * while the engine is unreachable.
     */
    public void tag(String imageId, String repository, String tag, Consumer<String> log) {
        backoff.call("docker tag " + repository + ":" + tag, log, () -> {
            try {
                docker.tagImageCmd(imageId, repository, tag).exec();
                return null;
            } catch (NotFoundException e) {
                throw new BuildFailedException("image " + imageId + " is gone before it was tagged " + tag, e);
            } catch (RuntimeException e) {
                throw new InfrastructureException("docker tag of " + repository + ":" + tag + " failed: " + e, e);
            }
        });
    }

    /**
     * Pushes {@code repository:tag}, streaming the status to {@code log}; returns the digest the engine reports.
     * Retries while the engine or the registry fails.
     */
    public String push(String repository, String tag, Consumer<String> log, Abort abort) {
        AuthConfig auth = credentials.authConfig(repository.substring(0, repository.indexOf('/')));
        return backoff.call("docker push " + repository + ":" + tag, log, () -> {
            AtomicReference<String> digest = new AtomicReference<>();
            AtomicReference<String> error = new AtomicReference<>();
            ResultCallback.Adapter<PushResponseItem> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(PushResponseItem item) {
                    if (item.getProgressDetail() == null || item.getProgressDetail().getTotal() == null) {
                        lines(item, log);
                    }
                    if (item.isErrorIndicated()) {
                        error.set(errorOf(item));
                    }
                    if (item.getAux() != null && item.getAux().getDigest() != null) {
                        digest.set(item.getAux().getDigest());
                    }
                }
            };
            Timer.Sample sample = Timer.start();
            try {
                var cmd = docker.pushImageCmd(repository).withTag(tag);
                if (auth != null) {
                    cmd.withAuthConfig(auth);
                }
                cmd.exec(callback);
                abort.watch(callback);
                callback.awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuildFailedException("push interrupted", e);
            } catch (RuntimeException e) {
                if (abort.aborted()) {
                    throw new BuildFailedException("push stopped", e);
                }
                throw new InfrastructureException("docker push of " + repository + ":" + tag + " failed: " + e, e);
            } finally {
                abort.unwatch();
                sample.stop(pushTimer);
            }
            if (error.get() != null) {
                throw new InfrastructureException("docker push of " + repository + ":" + tag + " failed: " + error.get());
            }
            if (digest.get() == null) {
                throw new InfrastructureException("docker push of " + repository + ":" + tag + " reported no digest");
            }
            return digest.get();
        });
    }

    /** Removes a local image tag (best effort: an image still in use stays). */
    public void removeTag(String image, Consumer<String> log) {
        try {
            docker.removeImageCmd(image).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            log.accept("could not remove local image " + image + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the engine has read it, or the build failed anyway
        }
    }

    private void ping() {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new InfrastructureException("Docker engine " + host + " unreachable: " + e.getMessage(), e);
        }
    }

    private RuntimeException classify(DockerException e) {
        int status = e.getHttpStatus();
        if (status >= 400 && status < 500) {
            return new BuildFailedException("docker build rejected: " + e.getMessage(), e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Dockerfile") || message.contains("dockerfile") || message.contains("parse")) {
            return new BuildFailedException("docker build failed: " + message.trim(), e);
        }
        return new InfrastructureException("Docker engine " + host + " failed the build: " + message.trim(), e);
    }

    private static void lines(ResponseItem item, Consumer<String> log) {
        String text = item.getStream() != null ? item.getStream() : item.getStatus();
        if (text == null) {
            return;
        }
        if (item.getStatus() != null && item.getId() != null) {
            text = item.getId() + ": " + text;
        }
        for (String line : text.split("\\r?\\n")) {
            if (!line.isBlank()) {
                log.accept(line.stripTrailing());
            }
        }
    }

    private static String errorOf(ResponseItem item) {
        if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
            return item.getErrorDetail().getMessage();
        }
        return item.getError();
    }

    @PreDestroy
    void close() {
        try {
            docker.close();
        } catch (IOException e) {
            // shutting down
        }
    }
}
