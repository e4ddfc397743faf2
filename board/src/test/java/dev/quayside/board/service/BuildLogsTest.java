package dev.quayside.board.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BuildLogsTest {

    @Test
    void aBuildKeepsItsLatestLinesWithinItsCapAndCountsTheRest() {
        BuildLogs logs = new BuildLogs(20, 1000, 10);
        for (int i = 1; i <= 6; i++) {
            assertThat(logs.append("b", "line " + i)).isEqualTo(i);
        }
        Views.BuildLog log = logs.get("b", false);
        // each line is 7 characters and its line break: 20 characters hold two
        assertThat(log.lines()).containsExactly("line 5", "line 6");
        assertThat(log.firstLine()).isEqualTo(5);
        assertThat(log.dropped()).isEqualTo(4);
        assertThat(logs.totalChars()).isEqualTo(14);
    }

    @Test
    void theLeastRecentlyWrittenBuildsGoFirstWhenAllTogetherAreTooMuch() {
        BuildLogs logs = new BuildLogs(100, 30, 10);
        logs.append("old", "0123456789");
        logs.append("mid", "0123456789");
        logs.append("old", "abc");
        logs.append("new", "0123456789");
        assertThat(logs.get("mid", false)).as("written least recently").isNull();
        assertThat(logs.get("old", false).lines()).containsExactly("0123456789", "abc");
        assertThat(logs.totalChars()).isLessThanOrEqualTo(30);
        assertThat(logs.builds()).isEqualTo(2);
    }

    @Test
    void atMostMaxBuildsAreKept() {
        BuildLogs logs = new BuildLogs(100, 10_000, 2);
        logs.append("a", "x");
        logs.append("b", "x");
        logs.append("c", "x");
        assertThat(logs.get("a", false)).isNull();
        assertThat(logs.builds()).isEqualTo(2);
    }

    @Test
    void aLineLongerThanTheCapIsCut() {
        BuildLogs logs = new BuildLogs(10, 100, 2);
        logs.append("a", "0123456789ABCDEF");
        assertThat(logs.get("a", false).lines()).containsExactly("01234567…");
        assertThat(logs.totalChars()).isLessThanOrEqualTo(10);
    }

    @Test
    void finishedIsKept() {
        BuildLogs logs = new BuildLogs(100, 100, 2);
        assertThat(logs.finish("a")).isFalse();
        logs.append("a", "x");
        assertThat(logs.get("a", false).finished()).isFalse();
        assertThat(logs.finish("a")).isTrue();
        assertThat(logs.get("a", false).finished()).isTrue();
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new BuildLogs(0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
