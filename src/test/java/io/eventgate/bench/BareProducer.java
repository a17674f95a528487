package io.eventgate.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The baseline of the request-path benchmark: a bare {@link KafkaProducer} in its own JVM, so that
 * its CPU time is measured the way EventGate's is. One producer shared by N threads, each doing
 * {@code send(record).get()} in a loop: the record EventGate's Kafka sink sends for the bench event
 * (same topic, key {@code event_id}, the same 1 KB value as a string), {@code acks=all},
 * {@code enable.idempotence=true}, {@code linger.ms=0}, and the sink's timeouts.
 *
 * <p>Driven through stdin by {@link Issue12Bench}, one command a line:
 * <pre>
 * run &lt;threads&gt; &lt;warm-up ms&gt; &lt;measured ms&gt;   prints RESULT threads=.. seconds=.. ok=.. errors=..
 *                                            p50_ns=.. p99_ns=.. max_ns=.. cpu_ns=.. jit_ns=.. gc_ns=..
 * quit                                        (or end of stdin: the parent is gone)
 * </pre>
 * {@code cpu_ns} is this process's utime + stime over the measured window ({@code /proc/self/stat}),
 * {@code jit_ns} and {@code gc_ns} the part of it in JIT compiler and GC threads.
 * Arguments: bootstrap servers.
 */
public final class BareProducer {

    private BareProducer() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "4500");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "4500");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        String value = BenchEvent.json();
        long pid = ProcessHandle.current().pid();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(BenchEvent.TOPIC, BenchEvent.EVENT_ID, value);
            producer.send(record).get(30, TimeUnit.SECONDS);
            System.out.println("READY");
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = commands.readLine(); line != null && !line.equals("quit"); line = commands.readLine()) {
                String[] c = line.trim().split("\\s+");
                if (c[0].equals("run")) {
                    System.out.println(run(producer, record, pid, Integer.parseInt(c[1]),
                            Long.parseLong(c[2]), Long.parseLong(c[3])));
                    System.out.flush();
                }
            }
        }
    }

    private static String run(KafkaProducer<String, String> producer, ProducerRecord<String, String> record,
                              long pid, int threads, long warmupMs, long measureMs) throws InterruptedException {
        long measureFrom = System.nanoTime() + warmupMs * 1_000_000;
        long measureTo = measureFrom + measureMs * 1_000_000;
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Latencies latencies = new Latencies();
            perThread.add(latencies);
            Thread t = new Thread(() -> {
                while (true) {
                    long start = System.nanoTime();
                    if (start >= measureTo) {
                        return;
                    }
                    boolean sent;
                    try {
                        producer.send(record).get();
                        sent = true;
                    } catch (Exception e) {
                        sent = false;
                    }
                    long end = System.nanoTime();
                    boolean endInWindow = end >= measureFrom && end < measureTo;
                    if (sent && endInWindow) {
                        ok.incrementAndGet();
                    } else if (!sent && endInWindow) {
                        errors.incrementAndGet();
                    }
                    if (sent && start >= measureFrom) {
                        latencies.add(end - start);
                    }
                }
            }, "producer-client-" + i);
            workers.add(t);
            t.start();
        }
        sleepUntil(measureFrom);
        long cpu0 = ProcStat.cpuNanos(pid);
        long[] jitGc0 = ProcStat.jitAndGcNanos(pid);
        sleepUntil(measureTo);
        long cpu1 = ProcStat.cpuNanos(pid);
        long[] jitGc1 = ProcStat.jitAndGcNanos(pid);
        for (Thread t : workers) {
            t.join();
        }
        Latencies all = new Latencies();
        perThread.forEach(all::addAll);
        return "RESULT threads=" + threads + " seconds=" + (measureMs / 1000.0) + " ok=" + ok.get()
                + " errors=" + errors.get() + " p50_ns=" + all.percentile(50) + " p99_ns=" + all.percentile(99)
                + " max_ns=" + all.max() + " cpu_ns=" + (cpu1 - cpu0) + " jit_ns=" + (jitGc1[0] - jitGc0[0])
                + " gc_ns=" + (jitGc1[1] - jitGc0[1]);
    }

    static void sleepUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
