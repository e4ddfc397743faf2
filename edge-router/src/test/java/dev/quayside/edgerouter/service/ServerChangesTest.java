package dev.quayside.edgerouter.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the runtime API can apply between two rendered configurations, and what needs a reload. */
class ServerChangesTest {

    private static final String HEAD = "global\n    maxconn 10\n\nfrontend http_in\n    bind 127.0.0.1:8000\n\n";

    private static String backend(String name, String... servers) {
        StringBuilder text = new StringBuilder("backend " + name + "\n    balance roundrobin\n");
        for (String server : servers) {
            text.append("    server ").append(server).append(" check inter 1s\n");
        }
        return text.append('\n').toString();
    }

    @Test
    void serversAddedAndRemovedInBackendsThatStayAreRuntimeChanges() {
        ServerChanges changes = ServerChanges.between(
                HEAD + backend("be_a", "a1 10.0.0.1:80", "a2 10.0.0.2:80") + backend("be_b", "b1 10.0.0.3:80"),
                HEAD + backend("be_a", "a2 10.0.0.2:80", "a3 10.0.0.4:80") + backend("be_b"));
        assertThat(changes.sameShape()).isTrue();
        assertThat(changes.added()).extracting(ServerChanges.ServerLine::path).containsExactly("be_a/a3");
        assertThat(changes.added().get(0).arguments()).isEqualTo("10.0.0.4:80 check inter 1s");
        assertThat(changes.added().get(0).checked()).isTrue();
        assertThat(changes.removed()).extracting(ServerChanges.ServerLine::path)
                .containsExactlyInAnyOrder("be_a/a1", "be_b/b1");
    }

    @Test
    void anythingElseIsAShapeChange() {
        String before = HEAD + backend("be_a", "a1 10.0.0.1:80");
        assertThat(ServerChanges.between(before, HEAD + backend("be_a", "a1 10.0.0.9:80")).sameShape())
                .as("a server changed in place").isFalse();
        assertThat(ServerChanges.between(before, HEAD + backend("be_a", "a1 10.0.0.1:80") + backend("be_b"))
                .sameShape()).as("a new backend").isFalse();
        assertThat(ServerChanges.between(before, before.replace("maxconn 10", "maxconn 11")).sameShape()).isFalse();
        assertThat(ServerChanges.between(before, "# a comment\n" + before).sameShape()).isFalse();
        ServerChanges gone = ServerChanges.between(before, HEAD);
        assertThat(gone.sameShape()).isFalse();
        assertThat(gone.removed()).as("a backend that goes away is only removed by a reload").isEmpty();
        assertThat(ServerChanges.between(before, HEAD + backend("be_a", "a1 10.0.0.1:80", "a1 10.0.0.2:80"))
                .sameShape()).as("a duplicate server name").isFalse();
    }
}
