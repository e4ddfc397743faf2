package dev.quayside.configsyncer.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.quayside.configsyncer.mirror.KvExpander;
import java.io.IOException;
import java.util.Optional;

/**
 * Jackson reads a YAML alias ({@code *name}) as the plain string {@code name}, not as the value its anchor names: a
 * {@code branches: *common} would silently become the branch pattern {@code common}. Files that use aliases are
 * refused instead, by {@link Policies} and {@link KvExpander} alike.
 */
public final class YamlAliases {

    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlAliases() {
    }

    /**
     * The first alias in {@code yaml}, as {@code '*name' at line N}, or empty when there is none.
     *
     * @throws IOException when the text is not YAML
     */
    public static Optional<String> first(byte[] yaml) throws IOException {
        try (JsonParser parser = YAML.createParser(yaml)) {
            while (parser.nextToken() != null) {
                if (parser instanceof YAMLParser y && y.isCurrentAlias()) {
                    JsonLocation at = parser.currentTokenLocation();
                    return Optional.of("'*" + parser.getText() + "' at line " + at.getLineNr());
                }
            }
        }
        return Optional.empty();
    }
}
