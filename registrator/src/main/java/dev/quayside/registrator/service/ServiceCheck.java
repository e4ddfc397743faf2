package dev.quayside.registrator.service;

import java.util.List;

/**
 * A Consul agent check, with the field names of {@code PUT /v1/agent/service/register}'s {@code Check}. Exactly one of
 * {@code http}, {@code tcp}, {@code ttl}, {@code args}, {@code grpc} is set; the others are null.
 */
public record ServiceCheck(String http, String method, String tcp, String ttl, List<String> args, String grpc,
        boolean grpcUseTls, boolean tlsSkipVerify, String interval, String timeout, String status,
        String deregisterCriticalServiceAfter) {

    /** True when the Vert.x Consul client's {@code CheckOptions} cannot carry this check (no Timeout/Method there). */
    public boolean needsRawRegistration() {
        return method != null || timeout != null;
    }
}
