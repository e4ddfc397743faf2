package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether what runs already is what is wanted: every field the definition sets must have the same value in what
 * Marathon (or Chronos) reports, which adds its defaults and status fields around it.
 */
final class DefinitionMatcher {

    private DefinitionMatcher() {
    }

    /**
     * Whether the Marathon app {@code actual} runs the definition {@code wanted}: {@link #matches} after putting both
     * into Marathon 1.5's networking form, so a definition written in the 1.4 form is not seen as drift.
     */
    static boolean runs(JsonNode wanted, JsonNode actual) {
        return matches(wanted == null ? null : MarathonForm.current(wanted),
                actual == null ? null : MarathonForm.current(actual));
    }

    static boolean matches(JsonNode wanted, JsonNode actual) {
        if (wanted == null || wanted.isNull()) {
            return actual == null || actual.isNull() || actual.isMissingNode();
        }
        if (actual == null || actual.isMissingNode()) {
            return false;
        }
        if (wanted.isNumber() && actual.isNumber()) {
            return wanted.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (wanted.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (field.getKey().equals("id")) {
                    if (!normalizeId(value.asText()).equals(normalizeId(actual.path("id").asText()))) {
                        return false;
                    }
                } else if (!matches(value, actual.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isArray()) {
            if (!actual.isArray() || actual.size() != wanted.size()) {
                return false;
            }
            for (int i = 0; i < wanted.size(); i++) {
                if (!matches(wanted.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return wanted.equals(actual);
    }

    static String normalizeId(String id) {
        return id.startsWith("/") ? id : "/" + id;
    }
}
