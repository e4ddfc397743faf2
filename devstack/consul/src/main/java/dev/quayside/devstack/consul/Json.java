package dev.quayside.devstack.consul;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading request bodies the way Go's {@code encoding/json} does for Consul: field names match case-insensitively
 * (and Consul also accepts snake_case), wrong types are decode errors, unknown fields are ignored.
 */
final class Json {

    private Json() {
    }

    /** A decode error worded like Go's, e.g. {@code json: cannot unmarshal string into Go struct field X.Port of type int}. */
    static final class DecodeException extends RuntimeException {
        DecodeException(String message) {
            super(message);
        }
    }

    static Object field(JsonObject json, String name) {
        if (json == null) {
            return null;
        }
        Object exact = json.getValue(name);
        if (exact != null) {
            return exact;
        }
        String wanted = normalize(name);
        for (Map.Entry<String, Object> entry : json) {
            if (normalize(entry.getKey()).equals(wanted)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static String normalize(String name) {
        return name.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }

    static String string(JsonObject json, String name, String struct) {
        Object value = field(json, name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            throw mismatch(value, struct, name, "string");
        }
        return (String) value;
    }

    static long number(JsonObject json, String name, String struct, String goType) {
        Object value = field(json, name);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Number)) {
            throw mismatch(value, struct, name, goType);
        }
        Number number = (Number) value;
        if (number instanceof java.math.BigInteger) {
            java.math.BigInteger big = (java.math.BigInteger) number;
            boolean fits = goType.startsWith("uint") ? big.signum() >= 0 && big.bitLength() <= 64
                    : big.bitLength() <= 63;
            if (!fits) {
                throw new DecodeException("json: cannot unmarshal number " + number + " into Go struct field "
                        + struct + "." + name + " of type " + goType);
            }
            return big.longValue();
        }
        double d = number.doubleValue();
        boolean unsigned = goType.startsWith("uint");
        if (d != Math.rint(d) || unsigned && d < 0 || d >= (unsigned ? 1.8446744073709552E19 : 9.223372036854775807E18)
                || d < -9.223372036854775808E18) {
            throw new DecodeException("json: cannot unmarshal number " + number + " into Go struct field " + struct
                    + "." + name + " of type " + goType);
        }
        if (unsigned && d >= 9.223372036854775807E18) {
            return new java.math.BigDecimal(number.toString()).toBigInteger().longValue();
        }
        return number.longValue();
    }

    static boolean bool(JsonObject json, String name, String struct) {
        Object value = field(json, name);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean)) {
            throw mismatch(value, struct, name, "bool");
        }
        return (Boolean) value;
    }

    static JsonObject object(JsonObject json, String name, String struct, String goType) {
        Object value = field(json, name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject)) {
            throw mismatch(value, struct, name, goType);
        }
        return (JsonObject) value;
    }

    static List<String> strings(JsonObject json, String name, String struct) {
        Object value = field(json, name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonArray)) {
            throw mismatch(value, struct, name, "[]string");
        }
        List<String> out = new ArrayList<>();
        for (Object item : (JsonArray) value) {
            if (!(item instanceof String)) {
                throw mismatch(item, struct, name, "string");
            }
            out.add((String) item);
        }
        return out;
    }

    static Map<String, String> stringMap(JsonObject json, String name, String struct) {
        JsonObject value = object(json, name, struct, "map[string]string");
        if (value == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : value) {
            if (entry.getValue() != null && !(entry.getValue() instanceof String)) {
                throw mismatch(entry.getValue(), struct, name, "string");
            }
            out.put(entry.getKey(), (String) entry.getValue());
        }
        return out;
    }

    static String goKind(Object value) {
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof JsonArray) {
            return "array";
        }
        return "object";
    }

    static DecodeException mismatch(Object value, String struct, String field, String goType) {
        return new DecodeException("json: cannot unmarshal " + goKind(value) + " into Go struct field " + struct + "."
                + field + " of type " + goType);
    }
}
