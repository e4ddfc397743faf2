package dev.quayside.edgerouter.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** edge-router's settings: {@code quayside.edge-router.*}. */
@ConfigMapping(prefix = "quayside.edge-router")
public interface EdgeRouterConfig {

    /** This edge-router's name: the key of its {@code RoutesUpdated} events. */
    @WithDefault("edge-router")
    String instance();

    /**
     * The HAProxy groups this instance serves (marathon-lb's {@code HAPROXY_GROUP}); {@code *} serves every group.
     * A service without a group belongs to {@code external}.
     */
    @WithDefault("external")
    List<String> groups();

    /** A Qute template file that replaces the shipped one; re-read when it changes. */
    Optional<Path> template();

    /** How often the template file is checked for changes. */
    @WithDefault("2s")
    Duration templateCheckInterval();

    /** Quiet period, like consul-template's {@code wait}. */
    Wait waitPeriod();

    /**
     * Who owns a virtual host or a dedicated TCP port whatever the catalog says, as {@code host=service} or
     * {@code port=service} entries (e.g. {@code shop.example.com=shop,5432=db}); other claimants are refused. Hosts and
     * ports not listed belong to the service that claimed them first.
     */
    Optional<List<String>> routeOwners();

    Frontend frontend();

    Haproxy haproxy();

    Watch watch();

    /**
     * consul-template's {@code wait {min, max}}: a change that needs a reload (a new route, a host, a port, a
     * template edit) is rendered once the catalog has been quiet for {@code min}, at the latest {@code max} after the
     * first change. A change of servers only (an instance passing, failing, draining, added or gone) is applied
     * through HAProxy's runtime API after {@code runtime} instead, without a reload.
     */
    interface Wait {
        @WithDefault("500ms")
        Duration min();

        @WithDefault("2s")
        Duration max();

        /** Quiet period of changes applied without a reload: short, it only gathers a burst of catalog answers. */
        @WithDefault("10ms")
        Duration runtime();
    }

    /** The front end the default template binds. */
    interface Frontend {
        /** Address every front end (HTTP and per-service TCP ports) binds to. */
        @WithDefault("127.0.0.1")
        String bindAddress();

        /** The shared HTTP port for virtual-host routes. */
        @WithDefault("8000")
        int httpPort();
    }

    /** The HAProxy edge-router drives. */
    interface Haproxy {
        /** {@code supervise}: start HAProxy and restart it if it dies; {@code external}: drive one started by others. */
        @WithDefault("supervise")
        Mode mode();

        /** The haproxy binary. */
        @WithDefault("/usr/sbin/haproxy")
        Path binary();

        /** Directory for the configuration, master socket, pid and log files (supervise mode). */
        @WithDefault("${java.io.tmpdir}/quayside-edge-router")
        Path workDir();

        /** The configuration file HAProxy reads; default {@code <work-dir>/haproxy.cfg}. */
        Optional<Path> configFile();

        /** The master CLI socket ({@code -S}); default {@code <work-dir>/master.sock}. */
        Optional<Path> masterSocket();

        /** Old workers are killed this long after a reload ({@code hard-stop-after}), so they never pile up. */
        @WithDefault("30s")
        Duration hardStopAfter();

        /** Old workers surviving this many reloads are killed ({@code mworker-max-reloads}). */
        @WithDefault("3")
        int maxReloads();

        /** Time allowed for {@code haproxy -c}, for starting HAProxy and for a reload to show a new worker. */
        @WithDefault("10s")
        Duration commandTimeout();

        /**
         * The signal the supervised HAProxy master gets when edge-router ends, however it ends ({@code kill -9}
         * included), through {@code setpriv --pdeathsig} (util-linux); {@code none} lets HAProxy outlive it.
         */
        @WithDefault("TERM")
        String parentDeathSignal();

        /**
         * Change servers through HAProxy's runtime API without a reload when nothing else changed; {@code false}
         * reloads for every change, as consul-template does.
         */
        @WithDefault("true")
        boolean runtimeApi();

        /**
         * How often servers drained at run time are checked for remaining connections and deleted; one still busy
         * after {@code hard-stop-after} stays in maintenance until the next reload.
         */
        @WithDefault("1s")
        Duration sweepInterval();
    }

    /** Consul blocking queries (their {@code wait} is the kit's {@code quayside.consul.blocking-wait}). */
    interface Watch {
        /** First delay before retrying a failed query; doubles (±20 % jitter) up to {@code max-backoff}. */
        @WithDefault("200ms")
        Duration minBackoff();

        /** Longest delay between two attempts of a failed query. */
        @WithDefault("10s")
        Duration maxBackoff();
    }

    enum Mode {
        SUPERVISE, EXTERNAL
    }
}
