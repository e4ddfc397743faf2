package dev.quayside.configsyncer.writeback;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds one string value in a JSON document by its field path and replaces only that string's characters. The file is
 * never re-serialised: formatting, key order, escapes elsewhere and the trailing newline stay byte-for-byte. A
 * document with a duplicate key, or with more than one value, is not valid here.
 */
public final class ImageEditor {

    /** Duplicate keys refused: Marathon and Chronos take the last, an edit of the first would change nothing. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Where an image string sits in a definition: the decoded value and its token's char range (quotes included). */
    public record Located(String value, int start, int end) {
    }

    private ImageEditor() {
    }

    /**
     * Locates the string at {@code path} (field names from the top-level object) with a streaming parser.
     *
     * @return empty when the path is absent or not a string
     * @throws InvalidJsonException when the text is not one valid JSON document
     */
    public static Optional<Located> locate(String json, List<String> path) {
        try (JsonParser parser = JSON.createParser(json.toCharArray())) {
            // one entry per open container: the current field name of an object, null for an array
            List<String> names = new ArrayList<>();
            Located found = null;
            int roots = 0;
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new InvalidJsonException("empty document");
            }
            while (token != null) {
                if (names.isEmpty() && ++roots > 1) {
                    throw new InvalidJsonException("more than one JSON value in the document");
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> names.add(null);
                    case END_OBJECT, END_ARRAY -> names.remove(names.size() - 1);
                    case FIELD_NAME -> names.set(names.size() - 1, parser.currentName());
                    case VALUE_STRING -> {
                        if (found == null && names.equals(path)) {
                            int start = (int) parser.currentTokenLocation().getCharOffset();
                            found = new Located(parser.getText(), start, endOfString(json, start));
                        }
                    }
                    default -> {
                    }
                }
                token = parser.nextToken();
            }
            return Optional.ofNullable(found);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidJsonException(e.getMessage());
        }
    }

    /** The image string at {@code path} of a definition's bytes, or null (absent, not UTF-8, not valid JSON, no image). */
    static String imageOf(byte[] definition, List<String> path) {
        String text = definition == null ? null : WriteBackService.utf8(definition);
        if (text == null) {
            return null;
        }
        try {
            return locate(text, path).map(Located::value).orElse(null);
        } catch (InvalidJsonException e) {
            return null;
        }
    }

    /** {@code json} with the string token at {@code located} replaced by {@code newValue} (JSON-escaped). */
    public static String replace(String json, Located located, String newValue) {
        char[] escaped = JsonStringEncoder.getInstance().quoteAsString(newValue);
        return json.substring(0, located.start()) + '"' + new String(escaped) + '"' + json.substring(located.end());
    }

    /** The index just past the closing quote of the string token starting at {@code start}. */
    private static int endOfString(String json, int start) {
        for (int i = start + 1; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        throw new InvalidJsonException("unterminated string at offset " + start);
    }

    /** The text is not valid JSON. */
    public static final class InvalidJsonException extends RuntimeException {
        InvalidJsonException(String message) {
            super(message);
        }
    }
}
