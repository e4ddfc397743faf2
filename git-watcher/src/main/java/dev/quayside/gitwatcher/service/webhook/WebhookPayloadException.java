package dev.quayside.gitwatcher.service.webhook;


/** A webhook body that is not the event its headers claim: answered 400 with {@link #getMessage()}. */
public class WebhookPayloadException extends RuntimeException {

    public WebhookPayloadException(String message) {
        super(message);
    }
}
