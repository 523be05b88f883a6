package dev.camelbitrix24.app;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A filter request's progress in the partition's commit metadata: what the next owner reads, within Kafka's limit. */
class FilterProgressTest {

    @Test
    void thePageBeingAttemptedComesBackAsMayHaveDeletedWithCursorAndCounts() {
        FilterProgress progress = new FilterProgress(17);
        progress.attempt(List.of(101L, 102L, 103L, 110L), false, 1_000);
        progress.done(101, "DELETED");
        progress.done(102, "NOT_FOUND");
        progress.done(103, "ACCESS_DENIED");
        progress.done(110, "DELETED");
        assertThat(progress.page).as("a complete page is counted").isNull();
        assertThat(progress.cursor).isEqualTo(110);
        assertThat(new long[] {progress.matched, progress.deleted, progress.notFound, progress.failed})
                .containsExactly(4, 2, 1, 1);
        progress.attempt(List.of(111L, 112L, 113L, 120L, 125L, 126L), true, 2_000);
        progress.done(111, "DELETED");

        FilterProgress read = FilterProgress.decode("committed-at=5" + progress.encode() + ";attempting=3-4", 17, 2_000);
        assertThat(read.offset).isEqualTo(17);
        assertThat(read.cursor).isEqualTo(110);
        assertThat(new long[] {read.matched, read.deleted, read.notFound, read.failed}).containsExactly(4, 2, 1, 1);
        // the whole page: the next owner learns from the outcome topics which of it were written
        assertThat(read.page).containsExactly(111L, 112L, 113L, 120L, 125L, 126L);
        assertThat(read.mayHaveDeleted).containsExactlyInAnyOrder(111L, 112L, 113L, 120L, 125L, 126L);
        assertThat(read.lastPage).as("unknown after a crash: one more list call answers it").isFalse();
        assertThat(read.pageStartedAt).isEqualTo(2_000);
        // a commit past the filter request keeps nothing of it
        assertThat(FilterProgress.decode("committed-at=5" + progress.encode(), 18, 0)).isNull();
        assertThat(FilterProgress.decode("committed-at=5;attempting=1-3", 0, 0)).isNull();
        assertThat(FilterProgress.decode("committed-at=5;filter=x:y", 0, 0)).isNull();
    }

    @Test
    void theMetadataStaysWithinKafkasLimitAndTheOffsetRangesStayReadable() {
        FilterProgress progress = new FilterProgress(1_000_000_000L);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            // the longest a page can be: 50 ids of 18 digits, none next to another
            ids.add(100_000_000_000_000_000L + 2L * i);
        }
        progress.attempt(ids, false, 0);
        TreeSet<Long> attempting = new TreeSet<>();
        for (long offset = 0; offset < 4_000; offset += 2) {
            attempting.add(1_000_000_000L + offset);
        }
        OffsetAndMetadata commit = PartitionCommits.metadata(1_000_000_000L, System.currentTimeMillis(), attempting,
                progress);
        assertThat(commit.metadata().length()).isLessThanOrEqualTo(4_096);
        assertThat(PartitionCommits.filterProgress(commit).page).containsExactlyElementsOf(ids);
        // merged into one range when they do not fit: a few more count as possibly deleted, none fewer
        assertThat(PartitionCommits.attempting(commit)).containsAll(attempting);
        assertThat(PartitionCommits.committedAt(commit)).isNotNull();
    }
}
