package dev.quayside.registrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How registrator names, registers and keeps the catalog exact ({@code quayside.registrator.*}). */
@ConfigMapping(prefix = "quayside.registrator")
public interface RegistratorConfig {

    /** The Docker host's name: first part of every service id. Default: the machine's host name. */
    Optional<String> hostname();

    /** The address to register for published ports (Registrator's {@code -ip}). Default: the port binding's. */
    Optional<String> address();

    /** Register container address and exposed port instead of published ones (Registrator's {@code -internal}). */
    @WithDefault("false")
    boolean internal();

    /** Only register containers with {@code SERVICE_NAME} (Registrator's {@code -explicit}). */
    @WithDefault("false")
    boolean explicit();

    /**
     * Take every {@code SERVICE_*} an image sets for itself in its Dockerfile ({@code ENV}, {@code LABEL}), as
     * Registrator does. Off by default: from the image only its checks ({@code SERVICE_CHECK_*}) and
     * {@code SERVICE_IGNORE} count, and its name, id, tags and metadata ({@code haproxy_vhost}, ...) come from the
     * deployment's definition alone, so that whoever can push a Dockerfile cannot name the service after another one
     * and join that one's backend, or claim a virtual host.
     */
    @WithDefault("false")
    boolean trustImageMetadata();

    /** Tags appended to every service (Registrator's {@code -tags}). */
    Optional<List<String>> tags();

    /** When a container dies: {@code always} deregister, or only {@code on-success} (exit 0 or a signal). */
    @WithDefault("always")
    String deregister();

    /** Interval of the full resync (list, register, clean up), e.g. {@code 60s}; {@code off} turns it off. */
    @WithDefault("60s")
    String resync();

    /** Deregister this host's registrations whose container no longer runs, at every (re)connect and resync. */
    @WithDefault("true")
    boolean cleanup();

    /** Attempts of each Consul call before giving up until the next resync (Registrator's {@code -retry-attempts}). */
    @WithDefault("3")
    int retryAttempts();

    /** Pause between Consul attempts (Registrator's {@code -retry-interval}). */
    @WithDefault("250ms")
    Duration retryInterval();

    /** Back-off of event stream reconnects: first pause. */
    @WithDefault("100ms")
    Duration reconnectMin();

    /** Back-off of event stream reconnects: longest pause. */
    @WithDefault("10s")
    Duration reconnectMax();

    /**
     * Drain before kill: when the engine delivers one of {@code stop-signals} to a container (its {@code kill} event,
     * which {@code docker stop} causes before the container dies) its services go into Consul maintenance at once, so
     * routers stop sending to it while it finishes its requests; they are deregistered when it dies. Docker health
     * checks turning {@code unhealthy} do the same until {@code healthy}.
     */
    @WithDefault("true")
    boolean drainOnStop();

    /**
     * The signals that stop a container, by name ({@code TERM}, {@code SIGQUIT}) or number; add your images' own
     * {@code STOPSIGNAL} (e.g. {@code WINCH} for Apache httpd). Other signals (a reload's {@code HUP}) change nothing.
     */
    @WithDefault("TERM,INT,QUIT,KILL")
    List<String> stopSignals();

    /**
     * Only handle containers carrying this label ({@code key} or {@code key=value}); default: every container. A
     * Quayside extension for hosts shared by several registrators (tests, tenants).
     */
    Optional<String> containerLabel();
}
