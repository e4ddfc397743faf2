package dev.quayside.notifier.client;

import dev.quayside.kit.retry.Retrier;
import dev.quayside.notifier.config.NotifierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends e-mail through Quarkus Mailer (SMTP; host, port, STARTTLS and auth under {@code quarkus.mailer.*}): one
 * message with an HTML and a plain-text part, bounded retries with back-off, timer
 * {@code quayside.notifier.smtp.sends}. Refuses to start when SMTP credentials are set and the connection may stay
 * unencrypted (see {@link #transportProblem}).
 */
@Startup
@ApplicationScoped
public class SmtpClient {

    private final ReactiveMailer mailer;
    private final MeterRegistry registry;
    private final Retrier retry;

    SmtpClient(ReactiveMailer mailer, NotifierConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.mailer.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.mailer.password") Optional<String> password,
            @ConfigProperty(name = "quarkus.mailer.start-tls", defaultValue = "OPTIONAL") String startTls,
            @ConfigProperty(name = "quarkus.mailer.tls") Optional<Boolean> tls,
            @ConfigProperty(name = "quarkus.mailer.ssl", defaultValue = "false") boolean ssl,
            @ConfigProperty(name = "quarkus.mailer.mock") Optional<Boolean> mock) {
        transportProblem(username, password, startTls, tls.orElse(ssl), mock.orElse(false)).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        this.mailer = mailer;
        this.registry = registry;
        this.retry = DeliveryException.retrier("SMTP delivery", config.retry());
    }

    /**
     * Why the mailer's settings would let SMTP credentials cross the network in plain text, if they would: with
     * {@code quarkus.mailer.username} or {@code password} set, the connection must be encrypted before the login, by
     * {@code quarkus.mailer.start-tls=REQUIRED} (STARTTLS, usually port 587; the send fails when the server does not
     * offer it) or {@code quarkus.mailer.tls=true} (TLS from the first byte, usually port 465). {@code OPTIONAL} (Quarkus'
     * default) logs in without TLS to a server that offers no STARTTLS, or to anyone in between who strips the offer.
     *
     * @param tls  {@code quarkus.mailer.tls} (or the older {@code quarkus.mailer.ssl})
     * @param mock {@code quarkus.mailer.mock}: nothing is sent, so nothing is checked
     */
    static Optional<String> transportProblem(Optional<String> username, Optional<String> password, String startTls,
            boolean tls, boolean mock) {
        boolean credentials = username.filter(u -> !u.isBlank()).isPresent()
                || password.filter(p -> !p.isBlank()).isPresent();
        if (mock || !credentials || tls || "REQUIRED".equalsIgnoreCase(startTls.strip())) {
            return Optional.empty();
        }
        return Optional.of("SMTP credentials (quarkus.mailer.username / quarkus.mailer.password) are set, but "
                + "quarkus.mailer.start-tls is " + startTls.strip().toUpperCase(Locale.ROOT)
                + " and quarkus.mailer.tls is not true: the password could be sent in plain text. Set "
                + "quarkus.mailer.start-tls=REQUIRED (STARTTLS, port 587) or quarkus.mailer.tls=true (TLS, port 465), "
                + "or remove the credentials");
    }

    /** Sends one message to {@code to}; fails with a {@link DeliveryException}. */
    public Uni<Void> send(String channel, List<String> to, String subject, String text, String html,
            Map<String, String> headers) {
        return retry.uni(() -> {
            Mail mail = Mail.withHtml(to.get(0), subject, html).setText(text).setTo(to);
            headers.forEach(mail::addHeader);
            long start = System.nanoTime();
            return mailer.send(mail).onItemOrFailure().transformToUni((ok, failure) -> {
                Timer.builder("quayside.notifier.smtp.sends").tag("channel", channel)
                        .tag("result", failure == null ? "ok" : "error").register(registry)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                if (failure != null) {
                    return Uni.createFrom().failure(new DeliveryException("channel '" + channel + "': SMTP "
                            + failure.getClass().getSimpleName() + ": " + failure.getMessage(), failure));
                }
                return Uni.createFrom().voidItem();
            });
        });
    }
}
