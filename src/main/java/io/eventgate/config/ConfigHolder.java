package io.eventgate.config;

import org.apache.camel.Exchange;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Holds the configuration in force. {@link #reload} loads a fresh one and swaps it in; a failed
 * reload keeps the old configuration and reports the error to the caller.
 *
 * <p>Requests read {@link #current()}, a volatile field, and never wait for a reload. Reloads
 * coalesce: a caller that asks while one is in flight waits for that one and shares its outcome
 * (its configuration or its failure), so that two admins calling {@code /terminate} at once cause
 * one load and one fetch of the keys, not two in a row. No lock is held while a configuration
 * loads; the only shared state is the in-flight reload, swapped atomically.
 *
 * <p>A request reads one configuration from start to end: the gateway route {@link #pin}s the one in
 * force on the exchange as it starts, and every step reads {@link #current(Exchange)}, so a reload
 * that lands while a request is in flight (waiting for its body, say) changes nothing for it.
 */
public final class ConfigHolder {

    public static final String BEAN_NAME = "eventGateConfig";
    /** The exchange property that holds the configuration a request started with. */
    public static final String PINNED = "eventGateConfigInUse";
    /** The exchange property that holds the {@link #generation()} of the configuration it started with. */
    public static final String GENERATION = "eventGateConfigGeneration";

    private final Supplier<EventGateConfig> loader;
    private final AtomicReference<CompletableFuture<EventGateConfig>> inFlight = new AtomicReference<>();
    private volatile Loaded current;
    /** Each configuration loaded, while anything (a request in flight) still holds it. */
    private final Map<Long, WeakReference<EventGateConfig>> generations = new ConcurrentHashMap<>();

    /** A configuration and its place in the order of loads, from 1. */
    private record Loaded(long generation, EventGateConfig config) {
    }

    public ConfigHolder(Supplier<EventGateConfig> loader) {
        this.loader = Objects.requireNonNull(loader);
        swapIn(loader.get());
    }

    public EventGateConfig current() {
        return current.config();
    }

    /** The generation of the configuration in force: 1 for the first load, one more for each reload. */
    public long generation() {
        return current.generation();
    }

    /**
     * The configuration of a generation, while a request in flight may still hold it (it is
     * {@link #pin}ned on the exchange); else the one in force.
     */
    public EventGateConfig generation(long generation) {
        WeakReference<EventGateConfig> held = generations.get(generation);
        EventGateConfig config = held == null ? null : held.get();
        return config != null ? config : current();
    }

    private void swapIn(EventGateConfig fresh) {
        Loaded previous = current;
        Loaded next = new Loaded(previous == null ? 1 : previous.generation() + 1, fresh);
        generations.values().removeIf(held -> held.get() == null);
        generations.put(next.generation(), new WeakReference<>(fresh));
        current = next;
    }

    /**
     * The configuration that this exchange started with: the one {@link #pin}ned on it, or, on an
     * exchange that was not pinned yet, the one in force now, pinned from here on.
     */
    public EventGateConfig current(Exchange exchange) {
        EventGateConfig pinned = exchange.getProperty(PINNED, EventGateConfig.class);
        if (pinned == null) {
            Loaded now = current;
            pinned = now.config();
            exchange.setProperty(PINNED, pinned);
            exchange.setProperty(GENERATION, now.generation());
        }
        return pinned;
    }

    /** Pins the configuration in force on the exchange: the first step of a request. */
    public void pin(Exchange exchange) {
        current(exchange);
    }

    /** @throws ConfigException when the new configuration is unusable; the old one stays in force */
    public EventGateConfig reload() {
        return reload(fresh -> { });
    }

    /**
     * Loads a fresh configuration and swaps it in, or joins the reload in flight.
     *
     * @param swapped what to do once the fresh configuration is in force, before any caller of this
     *                reload returns; run once per reload, by the caller that started it
     * @throws ConfigException when the new configuration is unusable; the old one stays in force
     */
    public EventGateConfig reload(Consumer<EventGateConfig> swapped) {
        CompletableFuture<EventGateConfig> mine = new CompletableFuture<>();
        CompletableFuture<EventGateConfig> running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return await(running);
        }
        try {
            EventGateConfig fresh = loader.get();
            swapIn(fresh); // reloads run one at a time (inFlight), so generations follow the loads
            swapped.accept(fresh);
            inFlight.set(null);
            mine.complete(fresh);
        } catch (RuntimeException | Error e) {
            inFlight.set(null);
            mine.completeExceptionally(e);
        }
        return await(mine);
    }

    /**
     * Like {@link #reload(Consumer)}, for a caller that has just seen the sources change (the
     * poll): a reload already in flight may have read them before that change, so it is waited
     * for rather than joined, and then a reload that starts after the change is done (or joined).
     */
    public EventGateConfig reloadAfterChange(Consumer<EventGateConfig> swapped) {
        CompletableFuture<EventGateConfig> running = inFlight.get();
        if (running != null) {
            try {
                running.join();
            } catch (RuntimeException e) {
                // that reload's outcome is its caller's; this one loads on its own
            }
        }
        return reload(swapped);
    }

    private static EventGateConfig await(CompletableFuture<EventGateConfig> reload) {
        try {
            return reload.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
