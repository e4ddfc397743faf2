package dev.quayside.imagebuilder.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build log's tail (carried by BuildFinished) and its stream. */
class BuildLogTest {

    @Test
    void theTailKeepsTheLastLinesAndTheStreamGetsEveryOne() {
        List<String> streamed = new ArrayList<>();
        BuildLog log = new BuildLog("b1", 2, streamed::add, false);
        List.of("one", "two", "three").forEach(log);
        assertThat(log.tail()).containsExactly("two", "three");
        assertThat(streamed).containsExactly("one", "two", "three");
    }

    @Test
    void aTailOfZeroLinesKeepsNoneAndStillStreams() {
        List<String> streamed = new ArrayList<>();
        BuildLog log = new BuildLog("b2", 0, streamed::add, false);
        List.of("one", "two").forEach(log);
        assertThat(log.tail()).isEmpty();
        assertThat(streamed).containsExactly("one", "two");
    }
}
