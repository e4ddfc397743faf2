package dev.quayside.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PurlTest {

    @Test
    void ociPurlFollowsThePurlSpec() {
        assertThat(Purl.oci("127.0.0.1:5000", "team/sample-app", "sha256:abc", "9f3c1c4"))
                .isEqualTo("pkg:oci/sample-app@sha256%3Aabc?repository_url=127.0.0.1%3A5000/team/sample-app&tag=9f3c1c4");
    }

    @Test
    void imageReferencesAreParsedLikeDockerDoes() {
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/team/app:1a2b@sha256:ff");
        assertThat(ref).isEqualTo(new ImageReference("127.0.0.1:5000", "team/app", "1a2b", "sha256:ff"));
        assertThat(ref.repository()).isEqualTo("127.0.0.1:5000/team/app");
        assertThat(ImageReference.parse("nginx")).isEqualTo(new ImageReference(null, "nginx", null, null));
        assertThat(ImageReference.parse("library/nginx:1.25").registry()).isNull();
        assertThat(ImageReference.parse("localhost/app").registry()).isEqualTo("localhost");
        assertThat(ImageReference.parse("registry.example.org:443/app:v1").toString())
                .isEqualTo("registry.example.org:443/app:v1");
        assertThatThrownBy(() -> ImageReference.parse(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageReference.parse("127.0.0.1:5000/:tag")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void purlOfAnImageReference() {
        assertThat(Purl.fromImageReference("127.0.0.1:5000/sample-app:9f3c1c4@sha256:ab"))
                .isEqualTo("pkg:oci/sample-app@sha256%3Aab?repository_url=127.0.0.1%3A5000/sample-app&tag=9f3c1c4");
    }
}
