package io.eventgate.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import io.eventgate.auth.TokenVerifier;
import io.eventgate.dev.DevTokens;
import io.eventgate.topics.TopicCatalog;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The per-event floor of a publish, one thread, no HTTP and no Kafka: what any gateway that checks
 * the token, parses the event and validates it must spend. Each operation is what EventGate runs:
 * <ul>
 *   <li>{@code rs256-verify}: {@link TokenVerifier#verify} of a dev token (RS256, 2048-bit key);</li>
 *   <li>{@code json-parse}: Jackson {@code readTree} of the 1 KB bench event (as {@code EventReader});</li>
 *   <li>{@code schema-validate}: the networknt validator on the parsed event, with the schema
 *       {@link TopicCatalog} compiles from {@code conf/topic_schemas/test.json};</li>
 *   <li>{@code all-three}: the three in sequence, the floor of one event.</li>
 * </ul>
 * Per operation: a warm-up, then {@code rounds} timed rounds; per round the thread's CPU time
 * ({@link ThreadMXBean#getCurrentThreadCpuTime}) and wall time divided by the operations done.
 * Prints one line per operation:
 * <pre>FLOOR op=.. cpu_ns=&lt;median of rounds&gt; cpu_min_ns=.. cpu_max_ns=.. wall_ns=&lt;median&gt; ops=..</pre>
 * Arguments: warm-up ms per operation, measured ms per operation, rounds. Run from the project root.
 */
public final class FloorBench {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static volatile long sink;

    private interface Op {
        long run() throws Exception;
    }

    private FloorBench() {
    }

    public static void main(String[] args) throws Exception {
        long warmupMs = args.length > 0 ? Long.parseLong(args[0]) : 3000;
        long measureMs = args.length > 1 ? Long.parseLong(args[1]) : 5000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        DevTokens tokens = DevTokens.create();
        String token = tokens.token("TestUser", Duration.ofHours(1));
        // No cache: the floor is the RSA check itself, which a client pays once per token (EventGate caches it).
        TokenVerifier verifier = new TokenVerifier(List.of(tokens.keyPair().getPublic()), 30, 0);
        byte[] event = BenchEvent.bytes();
        JsonSchema schema = TopicCatalog.load(Path.of("conf/topic_schemas"), TopicCatalog.DEFAULT_PREFIX)
                .find(BenchEvent.TOPIC).orElseThrow().schema();
        JsonNode parsed = JSON.readTree(event);
        if (!schema.validate(parsed).isEmpty()) {
            throw new IllegalStateException("bench event not valid: " + schema.validate(parsed));
        }

        Op verify = () -> verifier.verify(token).size();
        Op parse = () -> JSON.readTree(event).size();
        Op validate = () -> schema.validate(parsed).size();
        Op all = () -> verifier.verify(token).size() + schema.validate(JSON.readTree(event)).size();

        measure("rs256-verify", verify, warmupMs, measureMs, rounds);
        measure("json-parse", parse, warmupMs, measureMs, rounds);
        measure("schema-validate", validate, warmupMs, measureMs, rounds);
        measure("all-three", all, warmupMs, measureMs, rounds);
    }

    private static void measure(String name, Op op, long warmupMs, long measureMs, int rounds) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long warmEnd = System.nanoTime() + warmupMs * 1_000_000;
        while (System.nanoTime() < warmEnd) {
            batch(op);
        }
        long[] cpu = new long[rounds];
        long[] wall = new long[rounds];
        long totalOps = 0;
        long roundNanos = measureMs * 1_000_000 / rounds;
        for (int r = 0; r < rounds; r++) {
            long ops = 0;
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long t1;
            do {
                ops += batch(op);
                t1 = System.nanoTime();
            } while (t1 - t0 < roundNanos);
            long c1 = mx.getCurrentThreadCpuTime();
            cpu[r] = (c1 - c0) / ops;
            wall[r] = (t1 - t0) / ops;
            totalOps += ops;
        }
        long[] sortedCpu = cpu.clone();
        Arrays.sort(sortedCpu);
        long[] sortedWall = wall.clone();
        Arrays.sort(sortedWall);
        System.out.println("FLOOR op=" + name + " cpu_ns=" + sortedCpu[rounds / 2] + " cpu_min_ns=" + sortedCpu[0]
                + " cpu_max_ns=" + sortedCpu[rounds - 1] + " wall_ns=" + sortedWall[rounds / 2] + " ops=" + totalOps);
        System.out.flush();
    }

    private static int batch(Op op) throws Exception {
        long acc = 0;
        for (int i = 0; i < 50; i++) {
            acc += op.run();
        }
        sink += acc;
        return 50;
    }
}
