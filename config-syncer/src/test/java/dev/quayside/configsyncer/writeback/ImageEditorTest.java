package dev.quayside.configsyncer.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ImageEditorTest {

    private static final List<String> MARATHON = List.of("container", "docker", "image");
    private static final List<String> CHRONOS = List.of("container", "image");

    @Test
    void replacesOnlyTheImageStringAndKeepsEveryOtherByte() {
        String json = "{\n  \"id\" : \"/web\",\n\t\"labels\": {\"image\": \"not-this\"},\n"
                + "  \"container\": { \"type\":\"DOCKER\",   \"docker\" : {\"network\":\"BRIDGE\", \"image\":  \"reg.example:5000/web:old\" },"
                + "\"volumes\":[{\"image\":\"nor-this\"}]},\n  \"env\": {\"A\": \"\\u00e9\\/x\"}\n}\n";
        ImageEditor.Located at = ImageEditor.locate(json, MARATHON).orElseThrow();
        assertThat(at.value()).isEqualTo("reg.example:5000/web:old");
        String out = ImageEditor.replace(json, at, "reg.example:5000/web:abc@sha256:1234");
        assertThat(out).isEqualTo(json.replace("reg.example:5000/web:old", "reg.example:5000/web:abc@sha256:1234"));
    }

    @Test
    void findsTheChronosPathAndIgnoresArraysAndOtherDepths() {
        String json = "[{\"container\":{\"image\":\"a\"}}]";
        assertThat(ImageEditor.locate(json, CHRONOS)).isEmpty();
        String chronos = "{\"name\":\"job\",\"container\":{\"type\":\"DOCKER\",\"image\":\"libmesos/ubuntu\"}}";
        assertThat(ImageEditor.locate(chronos, CHRONOS).orElseThrow().value()).isEqualTo("libmesos/ubuntu");
        assertThat(ImageEditor.locate(chronos, MARATHON)).isEmpty();
        String nested = "{\"x\":{\"container\":{\"image\":\"deep\"}},\"container\":{\"image\":\"top\"}}";
        assertThat(ImageEditor.locate(nested, CHRONOS).orElseThrow().value()).isEqualTo("top");
    }

    @Test
    void escapedImageStringsAreDecodedAndReplacedWhole() {
        String json = "{\"container\":{\"image\":\"reg.example\\/web:1\"}}";
        ImageEditor.Located at = ImageEditor.locate(json, CHRONOS).orElseThrow();
        assertThat(at.value()).isEqualTo("reg.example/web:1");
        assertThat(ImageEditor.replace(json, at, "reg.example/web:2")).isEqualTo("{\"container\":{\"image\":\"reg.example/web:2\"}}");
    }

    @Test
    void invalidJsonIsRefusedWithTheParsersReason() {
        assertThatThrownBy(() -> ImageEditor.locate("{\"container\": {\"image\": \"x\"", CHRONOS))
                .isInstanceOf(ImageEditor.InvalidJsonException.class);
        assertThatThrownBy(() -> ImageEditor.locate("{} {}", CHRONOS))
                .isInstanceOf(ImageEditor.InvalidJsonException.class).hasMessageContaining("more than one");
        assertThatThrownBy(() -> ImageEditor.locate("", CHRONOS)).isInstanceOf(ImageEditor.InvalidJsonException.class);
    }

    @Test
    void realMarathonAndChronosSamplesChangeOnlyInTheImage() throws IOException {
        String shared = System.getProperty("quayside.shared.dir", "../shared");
        Path fixtures = Path.of(shared, "fixtures");
        Assumptions.assumeTrue(Files.isDirectory(fixtures), "../shared/fixtures not found: " + fixtures.toAbsolutePath());
        String app = Files.readString(fixtures.resolve("marathon/app.json"), StandardCharsets.UTF_8);
        ImageEditor.Located at = ImageEditor.locate(app, MARATHON).orElseThrow();
        assertThat(at.value()).isEqualTo("mesosphere:marathon/latest");
        String out = ImageEditor.replace(app, at, "127.0.0.1:5000/marathon:abc@sha256:00ff");
        assertThat(out.substring(0, at.start())).isEqualTo(app.substring(0, at.start()));
        assertThat(out.substring(at.start() + "\"127.0.0.1:5000/marathon:abc@sha256:00ff\"".length()))
                .isEqualTo(app.substring(at.end()));

        String job = Files.readString(fixtures.resolve("chronos/docker-job.json"), StandardCharsets.UTF_8);
        ImageEditor.Located j = ImageEditor.locate(job, CHRONOS).orElseThrow();
        assertThat(ImageEditor.replace(job, j, "reg/x:1"))
                .isEqualTo(job.replace("\"image\": \"libmesos/ubuntu\"", "\"image\": \"reg/x:1\""));
    }
}
