package io.eventgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.frontdoor.LocalRuntimeApi;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cold starts of the container image's entry point, run by {@code bench/cold-start.sh} with
 * {@code IMAGE=1}: per run, a {@link LocalRuntimeApi} stands in for Lambda, the entry-point script
 * ({@code src/main/docker/lambda-entrypoint.sh}) starts a fresh JVM with the runtime interface
 * client, and one REST API {@code POST /topics/public.cps.za.test} event is handed over. Times, all
 * on this JVM's clock from just before the script is launched:
 * <ul>
 *   <li>init: until the client's first poll for an invocation (what Lambda reports as Init Duration);</li>
 *   <li>first event: from that poll until the answer is posted back;</li>
 *   <li>total: launch to answer.</li>
 * </ul>
 * The answer must be 202. Prints one {@code IMAGE run=..} line per run (run 0 is a warm-up).
 *
 * <p>Arguments: the script, the task root (conf/, routes/, lib/), the number of runs. Environment:
 * {@code BENCH_TOKEN_FILE}; {@code BENCH_CPUS} (a {@code taskset} CPU list) pins the function to
 * those CPUs; the rest ({@code EVENTGATE_*}, {@code EVENTGATE_JAVA}, {@code EVENTGATE_CDS}) is
 * passed on to the script.
 */
public final class ImageColdStart {

    private ImageColdStart() {
    }

    public static void main(String[] args) throws Exception {
        String script = args[0];
        File task = new File(args[1]);
        int runs = Integer.parseInt(args[2]);
        String token = Files.readString(Path.of(System.getenv("BENCH_TOKEN_FILE"))).trim();
        ObjectMapper json = new ObjectMapper();
        for (int run = 0; run <= runs; run++) {
            try (LocalRuntimeApi runtime = LocalRuntimeApi.start(0)) {
                CompletableFuture<String> answer = runtime.submit(json.writeValueAsString(
                        ColdStartProbe.publishEvent(token, ColdStartProbe.testEvent())));
                String cpus = System.getenv("BENCH_CPUS");
                ProcessBuilder builder = new ProcessBuilder(cpus == null || cpus.isEmpty()
                        ? List.of(script) : List.of("taskset", "-c", cpus, script))
                        .redirectErrorStream(true)
                        .redirectOutput(new File(task.getParentFile(), "image-run-" + run + ".log"));
                Map<String, String> env = builder.environment();
                env.put("LAMBDA_TASK_ROOT", task.getAbsolutePath());
                env.put("AWS_LAMBDA_RUNTIME_API", runtime.address());
                env.put("AWS_LAMBDA_FUNCTION_NAME", "cold-start-bench");
                env.putIfAbsent("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
                env.putIfAbsent("CONF_DIR", "conf");
                env.putIfAbsent("EVENTGATE_JAVA", "java");
                long launch = System.nanoTime();
                Process process = builder.start();
                try {
                    String body = answer.get(60, TimeUnit.SECONDS);
                    long end = System.nanoTime();
                    long poll = runtime.firstPoll().getNow(end);
                    JsonNode response = json.readTree(body);
                    if (response.path("statusCode").asInt() != 202) {
                        System.out.println("IMAGE run=" + run + " failed: " + body);
                        System.exit(1);
                    }
                    System.out.printf("IMAGE run=%d init_ms=%.0f first_event_ms=%.0f total_ms=%.0f%n", run,
                            (poll - launch) / 1e6, (end - poll) / 1e6, (end - launch) / 1e6);
                } finally {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }
}
