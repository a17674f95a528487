package io.eventgate.stats;

import io.eventgate.auth.AccessCheck;
import io.eventgate.auth.JwtProcessor;
import io.eventgate.config.ConfigHolder;
import org.apache.camel.Exchange;

/**
 * Who may read a topic's stats. By default a request needs a valid token (401 {@code auth} as for a
 * publish) whose subject may write the topic in {@code access.json} (else 403 {@code auth}): the
 * rows name tenants, applications and failure messages, which is no less than the topic holds.
 * {@code stats_require_token = false} restores the upstream EventGate's behaviour, where the
 * endpoint is open and no token is looked at.
 */
public final class StatsAccess {

    /** The setting; {@code true} unless set to {@code false}. */
    public static final String REQUIRE_TOKEN = "stats_require_token";
    /** Whether this request is checked, decided once at its start (a reload may change the setting). */
    private static final String CHECKED = "eventGateStatsChecked";

    private final ConfigHolder config;
    private final JwtProcessor jwt;
    private final AccessCheck access;

    public StatsAccess(ConfigHolder config) {
        this.config = config;
        this.jwt = new JwtProcessor(config);
        this.access = new AccessCheck(config);
    }

    /**
     * First step: whether this request's token is checked, decided once at its start. The check
     * itself is {@link #jwt()}, run by the route as an asynchronous step when {@link #tokenRequired}:
     * a token with an unknown {@code kid} may fetch the keys again, and no thread waits for that.
     */
    public void decide(Exchange exchange) {
        exchange.setProperty(CHECKED, config.current(exchange).settings().getBoolean(REQUIRE_TOKEN, true));
    }

    /** True when {@link #decide} found that the token is checked. */
    public boolean tokenRequired(Exchange exchange) {
        return exchange.getProperty(CHECKED, true, Boolean.class);
    }

    /** The token check (asynchronous), the same as a publish's. */
    public JwtProcessor jwt() {
        return jwt;
    }

    /** Once the topic is known: its subject may write it, when a token is required. */
    public void checkSubject(Exchange exchange) {
        if (tokenRequired(exchange)) {
            access.checkSubject(exchange);
        }
    }
}
