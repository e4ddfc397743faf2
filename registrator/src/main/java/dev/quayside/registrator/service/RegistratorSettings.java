package dev.quayside.registrator.service;

import dev.quayside.registrator.config.RegistratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/** The configuration resolved once at startup: host name, its address, the naming rules, the deregister mode. */
@ApplicationScoped
public class RegistratorSettings {

    private static final Logger LOG = Logger.getLogger(RegistratorSettings.class);

    /** When a dead container's services are deregistered. */
    public enum DeregisterMode {
        ALWAYS, ON_SUCCESS;

        static DeregisterMode parse(String text) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "always":
                    return ALWAYS;
                case "on-success":
                    return ON_SUCCESS;
                default:
                    throw new IllegalArgumentException("quayside.registrator.deregister must be 'always' or "
                            + "'on-success', not '" + text + "'");
            }
        }
    }

    private final NamingRules rules;
    private final DeregisterMode deregister;
    private final StopSignals stopSignals;
    private final RegistratorConfig config;

    RegistratorSettings(RegistratorConfig config) {
        this.config = config;
        String hostname = config.hostname().orElseGet(RegistratorSettings::localHostname);
        String hostnameAddress = null;
        try {
            hostnameAddress = InetAddress.getByName(hostname).getHostAddress();
        } catch (UnknownHostException e) {
            LOG.debugf("host name %s does not resolve", hostname);
        }
        String tags = String.join(",", config.tags().orElse(List.of()));
        this.rules = new NamingRules(new NamingRules.Options(hostname, config.address().orElse(null),
                hostnameAddress, config.internal(), config.explicit(), tags, config.trustImageMetadata()));
        this.deregister = DeregisterMode.parse(config.deregister());
        this.stopSignals = StopSignals.parse(config.stopSignals());
    }

    public NamingRules rules() {
        return rules;
    }

    public String hostname() {
        return rules.options().hostname();
    }

    public DeregisterMode deregister() {
        return deregister;
    }

    /** The signals whose delivery starts a container's drain (when {@code drain-on-stop} is on). */
    StopSignals stopSignals() {
        return stopSignals;
    }

    public RegistratorConfig config() {
        return config;
    }

    /** The producing service in events: {@code /quayside/registrator/<hostname>}. */
    public String source() {
        return "/quayside/registrator/" + hostname();
    }

    static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "localhost" : env;
        }
    }
}
