package dev.quayside.gitwatcher.service.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.quayside.gitwatcher.service.push.PushOutcome;
import java.util.List;

/**
 * The answer to a webhook request, with its HTTP status.
 *
 * @param httpStatus 200 handled (events emitted or duplicates), 202 ignored, 4xx refused
 * @param status     {@code accepted}, {@code duplicate}, {@code ignored}, {@code pong} or {@code error}
 * @param reason     why it was ignored, refused or a duplicate
 * @param deliveryId the sender's delivery id
 * @param refs       what became of each ref update
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookResult(@com.fasterxml.jackson.annotation.JsonIgnore int httpStatus, String status, String reason,
        String deliveryId, List<PushOutcome> refs) {

    public static WebhookResult error(int httpStatus, String reason) {
        return new WebhookResult(httpStatus, "error", reason, null, null);
    }

    public static WebhookResult ignored(String reason, String deliveryId) {
        return new WebhookResult(202, "ignored", reason, deliveryId, null);
    }
}
