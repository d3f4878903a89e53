package dev.postcall.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.postcall.BodySource;
import dev.postcall.bench.Payloads;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.Admission;
import dev.postcall.spi.DeliveryStore.Delivery;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDBC delivery store alone on a real PostgreSQL on this machine, behind HikariCP: what the request path adds per
 * delivery (store and claim, committed; then handled), and per duplicate (answered from the row), through the
 * {@link DeliveryStore} SPI the servlet calls.
 *
 * <p>{@code durability=fsync} is a production database's setting: each commit waits until its WAL is on disk
 * ({@code fsync=on}, {@code synchronous_commit=on}). {@code none} is the embedded server's default for tests
 * ({@code -F}, {@code synchronous_commit=off}): nothing waits for the disk, which shows the store's own cost.
 *
 * <pre>
 * mvn -B -Pbench -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar JdbcStoreBenchmark -t 1
 * java -jar benchmarks/target/benchmarks.jar JdbcStoreBenchmark -t 4
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class JdbcStoreBenchmark {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Param({"5k", "50k"})
    public String size;

    @Param({"fsync", "none"})
    public String durability;

    private EmbeddedPostgres postgres;
    private HikariDataSource dataSource;
    private JdbcDeliveryStore store;
    private BodySource body;
    private final AtomicLong conversations = new AtomicLong();
    private Delivery done;

    @Setup(Level.Trial)
    public void start() throws IOException, SQLException, InterruptedException, DeliveryStore.StoreException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (durability.equals("fsync")) {
            // after the embedded server's -F on its command line, so these win
            builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
        }
        postgres = builder.start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(8);
        dataSource = new HikariDataSource(config);
        store = JdbcDeliveryStore.open(dataSource, JdbcDeliveryStore.options().createSchema(true).build());
        body = BodySource.ofBytes(Payloads.transcription(size));
        done = delivery("conv_done");
        ((DeliveryStore.Dispatch) store.admit(done, WAIT)).claim().handled();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        store.close();
        dataSource.close();
        postgres.close();
    }

    private Delivery delivery(String conversationId) {
        return new Delivery("post_call_transcription", conversationId, 1761400000L, 1761400005L, "application/json",
                body);
    }

    /** A first delivery: stored with its body and claimed (committed), then recorded as handled (body dropped). */
    @Benchmark
    public Admission storeAndMarkDone() throws DeliveryStore.StoreException, InterruptedException {
        Admission admission = store.admit(delivery("conv_" + conversations.incrementAndGet()), WAIT);
        ((DeliveryStore.Dispatch) admission).claim().handled();
        return admission;
    }

    /** A retry of a delivery already handled: one indexed read, nothing written. */
    @Benchmark
    public Admission duplicateOfADoneDelivery() throws DeliveryStore.StoreException, InterruptedException {
        return store.admit(done, WAIT);
    }
}
