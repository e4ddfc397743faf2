package dev.quayside.gitwatcher.service.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.gitwatcher.service.HostKind;
import dev.quayside.kit.security.Hmac;
import java.util.function.UnaryOperator;

/**
 * One kind of webhook sender: which headers carry its event name, delivery id and signature, and how its push payload
 * reads. Implementations are stateless.
 */
public abstract class WebhookHost {

    /** Request headers by name, case-insensitive; null when absent. */
    public interface Headers extends UnaryOperator<String> {
    }

    public abstract HostKind kind();

    /** The event the request claims to be (e.g. {@code push}), or null when the host's event header is absent. */
    public abstract String event(Headers headers);

    /** The sender's delivery id, or null when it sent none. */
    public abstract String deliveryId(Headers headers);

    /** The request's signature (or token) header, or null when it has none. */
    public abstract String signature(Headers headers);

    /**
     * True when the request's signature proves it was sent with {@code secret}: by default an HMAC-SHA256 of the raw
     * body, compared in constant time.
     */
    public boolean verify(Headers headers, byte[] body, String secret) {
        return Hmac.verifyHex(secret, body, signature(headers));
    }

    /**
     * Reads the payload of {@code event}.
     *
     * @throws WebhookPayloadException when the JSON is not the event it claims to be
     */
    public abstract WebhookDelivery parse(String event, JsonNode root);

    static String first(Headers headers, String... names) {
        for (String name : names) {
            String value = headers.apply(name);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    static WebhookPayloadException notAnObject() {
        return new WebhookPayloadException("the body is not a JSON object");
    }
}
