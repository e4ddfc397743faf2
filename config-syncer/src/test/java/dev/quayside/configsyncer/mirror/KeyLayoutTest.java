package dev.quayside.configsyncer.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.configsyncer.client.KvOp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {

    @Test
    void defaultLayoutIsMountpointRepoBranchPath() {
        KeyLayout layout = new KeyLayout("deploy", MirrorOptions.defaults());
        assertThat(layout.fileKey("main", "marathon/prod/web.json"))
                .contains("quayside/config/deploy/main/marathon/prod/web.json");
        assertThat(layout.refKey("main")).isEqualTo("quayside/config/deploy/main.ref");
        assertThat(layout.branchPrefix("main")).isEqualTo("quayside/config/deploy/main/");
    }

    @Test
    void git2consulOptionsShapeTheKeys() {
        KeyLayout layout = new KeyLayout("deploy",
                new MirrorOptions("/kv/", false, true, "config/", false, false, true, null));
        assertThat(layout.fileKey("main", "config/app/db.yaml")).contains("kv/app/db");
        assertThat(layout.fileKey("main", "other/x.yaml")).isEmpty();
        assertThat(layout.fileKey("main", "config/.hidden")).contains("kv/.hidden");
        assertThat(layout.refKey("main")).isEqualTo("kv/main.ref");
        assertThat(layout.branchPrefix("main")).isEqualTo("kv/");
        KeyLayout bare = new KeyLayout("deploy", new MirrorOptions("", false, true, null, false, false, false, null));
        assertThat(bare.branchPrefix("main")).isEmpty();
        assertThat(bare.refKey("main")).isEqualTo("main.ref");
    }

    @Test
    void illegalKeysAreNamed() {
        assertThat(KeyLayout.illegalKeyReason("a/b\tc.json")).isEqualTo("control character U+0009 in key");
        assertThat(KeyLayout.illegalKeyReason("a/../b")).contains("'..' segment");
        assertThat(KeyLayout.illegalKeyReason("/a")).contains("starts with '/'");
        assertThat(KeyLayout.illegalKeyReason("a/" + "x".repeat(600))).contains("longer than");
        assertThat(KeyLayout.illegalKeyReason("quayside/config/deploy/main/marathon/prod/web app+ü.json")).isNull();
    }

    @Test
    void treeDeletesAlwaysEndWithASlash() {
        Assertions.assertThatThrownBy(() -> KvOp.deleteTree("quayside/config/deploy/main/test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(KvOp.deleteTree("a/b/").key()).isEqualTo("a/b/");
    }

    @Test
    void expandsJsonYamlAndPropertiesLikeGit2consul() {
        byte[] json = "{\"db\":{\"host\":\"h\",\"port\":5432,\"a b\":true},\"tags\":[1,2],\"n\":null}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(KvExpander.expand("k/app.json", "app.json", json, null)).containsExactly(
                Map.entry("k/app.json/db/host", "h"), Map.entry("k/app.json/db/port", "5432"),
                Map.entry("k/app.json/db/a%20b", "true"), Map.entry("k/app.json/tags", "[1,2]"),
                Map.entry("k/app.json/n", "null"));
        byte[] yaml = "db:\n  host: h\n  list: [a, b]\n".getBytes(StandardCharsets.UTF_8);
        assertThat(KvExpander.expand("k/app.yml", "app.yml", yaml, null)).containsExactly(
                Map.entry("k/app.yml/db/host", "h"), Map.entry("k/app.yml/db/list", "[\"a\",\"b\"]"));
        Properties common = new Properties();
        common.setProperty("env", "prod");
        byte[] props = "url=http://${host}/${env}/${missing}\nhost=db.local\n".getBytes(StandardCharsets.UTF_8);
        assertThat(KvExpander.expand("k/app.properties", "app.properties", props, common)).containsExactly(
                Map.entry("k/app.properties/host", "db.local"),
                Map.entry("k/app.properties/url", "http://db.local/prod/${missing}"));
        Assertions.assertThatThrownBy(() -> KvExpander.expand("k/x.json", "x.json", "{oops".getBytes(), null))
                .hasMessageContaining("not valid JSON");
        Assertions.assertThatThrownBy(() -> KvExpander.expand("k/x.json", "x.json", "[1]".getBytes(), null))
                .hasMessageContaining("not an object");
    }
}
