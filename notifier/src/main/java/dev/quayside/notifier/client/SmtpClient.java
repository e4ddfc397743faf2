package dev.quayside.notifier.client;

import dev.quayside.kit.retry.Retrier;
import dev.quayside.notifier.config.NotifierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends e-mail through Quarkus Mailer (SMTP; host, port, STARTTLS and auth under {@code quarkus.mailer.*}): one
 * message with an HTML and a plain-text part, bounded retries with back-off, timer
 * {@code quayside.notifier.smtp.sends}.
 */
@ApplicationScoped
public class SmtpClient {

    private final ReactiveMailer mailer;
    private final MeterRegistry registry;
    private final Retrier retry;

    SmtpClient(ReactiveMailer mailer, NotifierConfig config, MeterRegistry registry) {
        this.mailer = mailer;
        this.registry = registry;
        this.retry = DeliveryException.retrier("SMTP delivery", config.retry());
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
