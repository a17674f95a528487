package io.eventgate.stats;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.Settings;
import io.eventgate.gateway.AwaitBody;
import io.eventgate.sinks.postgres.PostgresDataSource;
import io.eventgate.topics.EventReader;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
/**
 * {@code POST /stats/{topic}}: run and job statistics from Postgres, as the upstream EventGate's
 * stats Lambda serves them, in the same application and through every front door. The gateway
 * route dispatches here ({@code RequestRouter.Endpoint.STATS}).
 *
 * <p>The route reads top to bottom: token (when required, {@link StatsAccess}), topic (404), a
 * topic with stats (400), access (403), body (400), then the query, and the answer. The query is
 * {@code stats/runs.sql}, a named file whose values are all bound parameters, run by camel-sql on
 * the Postgres sink's pool ({@code postgresDataSource}).
 *
 * <p>JDBC blocks, so the query runs on a small pool of its own (the threads step): the HTTP front
 * door's event loop never waits for Postgres. The pool is also the bulkhead that keeps stats from
 * taking the sink's connections: {@code stats.threads} (1) queries at once, each holding one
 * connection of the pool of {@code postgres.pool_size} (at least 2), and {@code stats.queue_size}
 * (10) waiting; one more is refused at once (500 {@code database}). A query is cancelled after
 * {@code stats.query_timeout_seconds} (10).
 *
 * <p>Refusals are thrown as {@code GatewayException}s and answered by the gateway route's own
 * handlers (this route has no error handler of its own), so they look exactly like a publish's.
 */
public final class StatsRoutes extends RouteBuilder {

    public static final String STATS = "direct:stats";
    private static final String QUERY = "direct:stats-query";

    private final ConfigHolder config;

    public StatsRoutes(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public void configure() {
        // Errors go back to the gateway route, whose onException answers them.
        errorHandler(noErrorHandler());

        Settings settings = config.current().settings();
        int threads = (int) Math.max(1, settings.getLong("stats.threads", 1));
        int queue = (int) Math.max(0, settings.getLong("stats.queue_size", 10));
        long timeoutSeconds = Math.max(1, settings.getLong("stats.query_timeout_seconds", 10));
        StatsAccess access = new StatsAccess(config);
        StatsRequest request = new StatsRequest(config);
        EventReader events = new EventReader(config);

        from(STATS).routeId("stats")
                .process(access::decide)
                .filter(access::tokenRequired)
                    .process(access.jwt())
                .end()
                .process(events::resolveTopic)
                .process(request::checkTopic)
                .process(access::checkSubject)
                .process(new AwaitBody(config))
                .process(request::read)
                .doTry()
                    .to(QUERY)
                .doCatch(Exception.class)
                    .process(StatsAnswer::failed)
                .end()
                .process(StatsAnswer::respond);

        // From the threads step on, on the stats pool; a refusal there (the pool is full) is caught above.
        from(QUERY).routeId("stats-query")
                .threads(threads, threads).maxQueueSize(queue)
                    .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).threadName("stats")
                .to("sql:classpath:stats/runs.sql?dataSource=#" + PostgresDataSource.BEAN_NAME
                        // the count of :# parameters in the file: without it camel-sql asks the database
                        // for them first, a round trip that the query timeout does not cover
                        + "&parametersCount=4&template.queryTimeout=" + timeoutSeconds);
    }
}
