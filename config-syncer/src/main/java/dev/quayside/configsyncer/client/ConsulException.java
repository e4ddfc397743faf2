package dev.quayside.configsyncer.client;

/** A Consul request failed or answered an unexpected status; retryable. */
public class ConsulException extends Exception {

    public ConsulException(String message, Throwable cause) {
        super(message, cause);
    }
}
