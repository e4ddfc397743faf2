package dev.quayside.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The repository path a commit status is posted to, from each form of clone URL. */
class ChainTrackerPathTest {

    @Test
    void thePathOfEachFormOfCloneUrl() {
        assertThat(ChainTracker.path("https://user:secret@git.example.org/team/shop.git")).isEqualTo("team/shop");
        assertThat(ChainTracker.path("https://gitlab.example.com/group/sub/app")).isEqualTo("group/sub/app");
        assertThat(ChainTracker.path("ssh://git@git.example.org:2222/team/shop.git")).isEqualTo("team/shop");
        assertThat(ChainTracker.path("git@github.com:team/shop.git")).isEqualTo("team/shop");
        assertThat(ChainTracker.path("file:///srv/git/shop.git")).isNull();
        assertThat(ChainTracker.path("/srv/git/shop.git")).isNull();
        assertThat(ChainTracker.path("https://git.example.org/")).isNull();
        assertThat(ChainTracker.path(null)).isNull();
    }
}
