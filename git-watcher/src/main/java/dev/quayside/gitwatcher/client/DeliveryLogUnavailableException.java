package dev.quayside.gitwatcher.client;

/** The de-duplication log could not be written or read in time: nothing was emitted; the sender should retry. */
public class DeliveryLogUnavailableException extends RuntimeException {

    public DeliveryLogUnavailableException(String message) {
        super(message);
    }
}
