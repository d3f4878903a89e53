package dev.postcall.internal.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.BodySource;
import dev.postcall.internal.delivery.KeyClaims;
import dev.postcall.spi.DeliveryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the directory store does beyond the store contract (which {@code postcall-testkit} runs against it): one node
 * per directory, the CLI's visit beside the running node, and the sender's retry taking a failed entry back.
 */
class DirectoryStoreTest {

    @TempDir Path dir;
    private final List<DeliveryStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(DeliveryStore::close);
    }

    private DirectoryStore open() throws IOException {
        DirectoryStore store = DirectoryStore.open(dir, new KeyClaims(Clock.systemUTC()), Clock.systemUTC());
        opened.add(store);
        return store;
    }

    private DirectoryStore visit() throws IOException {
        DirectoryStore store = DirectoryStore.visit(dir, Clock.systemUTC());
        opened.add(store);
        return store;
    }

    static DeliveryStore.Delivery delivery(String conversationId) {
        return new DeliveryStore.Delivery("post_call_transcription", conversationId, 1761400000L, 1761400005L,
                "application/json", BodySource.ofBytes(("{\"c\":\"" + conversationId + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    static DeliveryStore.Claim dispatched(DeliveryStore.Admission admission) {
        assertThat(admission).isInstanceOf(DeliveryStore.Dispatch.class);
        return ((DeliveryStore.Dispatch) admission).claim();
    }

    private long count(String folder) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(folder))) {
            return s.count();
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() throws Exception {
        open();

        assertThatThrownBy(this::open).isInstanceOf(IOException.class)
                .hasMessageContaining("is in use (.lock is locked)")
                .hasMessageContaining("a directory inbox belongs to one node");
    }

    @Test
    void aStoreInAnotherJvmOnTheSameDirectoryIsRefused() throws Exception {
        open();

        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OpenInbox.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("REFUSED").contains("is in use");
        assertThat(other.exitValue()).isEqualTo(3);
    }

    /** Opens the directory store named by the first argument; prints OPENED, or REFUSED and the reason. */
    public static final class OpenInbox {
        public static void main(String[] args) {
            try (DirectoryStore store = DirectoryStore.open(Path.of(args[0]), new KeyClaims(Clock.systemUTC()),
                    Clock.systemUTC())) {
                System.out.println("OPENED " + store.root());
            } catch (IOException e) {
                System.out.println("REFUSED " + e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void theDirectoryIsFreeAgainOnceTheStoreIsClosed() throws Exception {
        open().close();

        dispatched(open().admit(delivery("conv_after"), Duration.ofSeconds(5))).handled();
    }

    @Test
    void theNextStartMovesWhatWasBeingDispatchedToFailedAndIndexesItForTheRetry() throws Exception {
        DirectoryStore first = open();
        dispatched(first.admit(delivery("conv_interrupted"), Duration.ofSeconds(5))); // never finished
        Files.createDirectory(dir.resolve("tmp").resolve("half-written"));
        first.close();

        DirectoryStore second = open();
        assertThat(count("incoming")).isZero();
        assertThat(count("tmp")).isZero();
        List<DeliveryStore.Kept> failed = second.failed(null, 10);
        assertThat(failed).singleElement().satisfies(k -> {
            assertThat(k.conversationId()).isEqualTo("conv_interrupted");
            assertThat(k.failureClass()).isEqualTo(DeliveryStore.Kept.INTERRUPTED);
        });

        DeliveryStore.Claim retry = dispatched(second.admit(delivery("conv_interrupted"), Duration.ofSeconds(5)));
        assertThat(retry.attempt()).isEqualTo(2);
        retry.handled();
        assertThat(count("failed")).as("the retry took the kept entry back: no second copy").isZero();
    }

    @Test
    void theClisVisitClaimsIntoReplayingBesideTheRunningNodeAndPutsBackWhatItLeft() throws Exception {
        DirectoryStore node = open();
        dispatched(node.admit(delivery("conv_visit"), Duration.ofSeconds(5))).failed(new IllegalStateException());

        DirectoryStore visit = visit();
        DeliveryStore.Kept kept = visit.failed(null, 10).get(0);
        DeliveryStore.Claim claim = visit.claimFailed(kept).orElseThrow();
        assertThat(count("replaying")).isEqualTo(1);
        assertThat(node.claimFailed(kept)).as("the node cannot take what the visit holds").isEmpty();
        assertThatThrownBy(() -> visit.admit(delivery("conv_x"), Duration.ZERO))
                .isInstanceOf(DeliveryStore.StoreException.class);
        assertThatThrownBy(this::visit).as("one visit at a time").isInstanceOf(IOException.class)
                .hasMessageContaining("another replay is running");
        visit.close(); // the CLI stopped without finishing its claim

        visit();
        assertThat(count("replaying")).isZero();
        assertThat(node.failed(null, 10)).extracting(DeliveryStore.Kept::conversationId)
                .containsExactly("conv_visit");
        assertThat(claim.attempt()).isEqualTo(2);
    }

    @Test
    void aHandledEntryThatCouldNotBeRemovedIsRemovedBeforeTheNextAdmit() throws Exception {
        DirectoryStore store = open();
        DeliveryStore.Claim claim = dispatched(store.admit(delivery("conv_stuck"), Duration.ofSeconds(5)));
        Path entry;
        try (Stream<Path> s = Files.list(dir.resolve("incoming"))) {
            entry = s.findFirst().orElseThrow();
        }
        // where the entry's one rename out of incoming/ goes, taken by a folder that is not empty: the rename fails
        Path junk = Files.createDirectories(dir.resolve("tmp").resolve(entry.getFileName() + ".removed"));
        Files.writeString(junk.resolve("file"), "x");

        assertThatThrownBy(claim::handled).isInstanceOf(DeliveryStore.StoreException.class);
        Files.delete(junk.resolve("file"));
        Files.delete(junk);

        dispatched(store.admit(delivery("conv_next"), Duration.ofSeconds(5))).handled();
        assertThat(entry).doesNotExist();
        assertThat(count("incoming")).isZero();
    }

    /** The one entry in {@code folder}. */
    private Path only(String folder) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(folder))) {
            List<Path> entries = s.toList();
            assertThat(entries).hasSize(1);
            return entries.get(0);
        }
    }

    /** Makes the record of {@code entry} impossible to rewrite, as a full disk does; {@link #unblock} undoes it. */
    private static void blockRecordRewrite(Path entry) throws IOException {
        Path junk = Files.createDirectories(entry.resolve(InboxStore.META + ".next"));
        Files.writeString(junk.resolve("file"), "x");
    }

    private static void unblock(Path junk) throws IOException {
        Files.delete(junk.resolve("file"));
        Files.delete(junk);
    }

    @Test
    void aFailedEntryMovedToFailedWhoseRecordCouldNotBeRewrittenIsTakenBackByTheRetry() throws Exception {
        DirectoryStore store = open();
        DeliveryStore.Claim claim = dispatched(store.admit(delivery("conv_half"), Duration.ofSeconds(5)));
        Path entry = only("incoming");
        blockRecordRewrite(entry);

        assertThatThrownBy(() -> claim.failed(new IllegalStateException()))
                .isInstanceOf(DeliveryStore.StoreException.class);
        Path kept = only("failed");
        assertThat(kept.getFileName()).as("the move itself succeeded").isEqualTo(entry.getFileName());
        unblock(kept.resolve(InboxStore.META + ".next"));

        DeliveryStore.Claim retry = dispatched(store.admit(delivery("conv_half"), Duration.ofSeconds(5)));
        assertThat(retry.attempt()).as("the kept entry, not a second copy").isEqualTo(2);
        retry.handled();
        assertThat(count("failed")).as("nothing left to be replayed and handled twice").isZero();
        assertThat(count("incoming")).isZero();
    }

    @Test
    void aRetryWhoseTakingBackOfTheFailedEntryFailedHalfWayTakesThatEntryNextTime() throws Exception {
        DirectoryStore store = open();
        dispatched(store.admit(delivery("conv_back"), Duration.ofSeconds(5))).failed(new IllegalStateException());
        Path kept = only("failed");
        blockRecordRewrite(kept);

        assertThatThrownBy(() -> store.admit(delivery("conv_back"), Duration.ofSeconds(5)))
                .isInstanceOf(DeliveryStore.StoreException.class);
        Path moved = only("incoming");
        assertThat(moved.getFileName()).as("the move itself succeeded").isEqualTo(kept.getFileName());
        unblock(moved.resolve(InboxStore.META + ".next"));

        DeliveryStore.Claim retry = dispatched(store.admit(delivery("conv_back"), Duration.ofSeconds(5)));
        assertThat(retry.attempt()).as("the kept entry, not a second copy").isEqualTo(2);
        retry.handled();
        assertThat(count("incoming")).as("nothing left to be recovered as failed at the next start").isZero();
        assertThat(count("failed")).isZero();
    }

    /**
     * A handled entry leaves its folder in one rename before its files are deleted. Its deletion stopping half-way
     * (an I/O error here; a JVM killed between two files is the same) leaves debris in {@code tmp/}, cleared at the
     * next start: never a record without its body in {@code incoming/}, which the start would keep as failed and
     * every listing of failed deliveries would then trip on.
     */
    @Test
    void aHandledEntryWhoseDeletionStopsHalfWayLeavesNoHalfEntryBehind() throws Exception {
        DirectoryStore store = open();
        DeliveryStore.Claim claim = dispatched(store.admit(delivery("conv_gone"), Duration.ofSeconds(5)));
        Path entry = only("incoming");
        Path undeletable = Files.createDirectories(entry.resolve("zz-undeletable"));
        Files.writeString(undeletable.resolve("file"), "x");

        claim.handled();

        assertThat(count("incoming")).isZero();
        assertThat(count("failed")).isZero();
        Path debris = only("tmp");
        assertThat(debris.getFileName().toString()).isEqualTo(entry.getFileName() + ".removed");
        store.close();
        unblock(debris.resolve("zz-undeletable"));

        DirectoryStore restarted = open();
        assertThat(restarted.failedCount()).isZero();
        assertThat(restarted.failed(null, 10)).isEmpty();
        assertThat(count("tmp")).as("the debris cleared at the start").isZero();
        assertThat(dispatched(restarted.admit(delivery("conv_other"), Duration.ofSeconds(5))).attempt()).isEqualTo(1);
    }
}
