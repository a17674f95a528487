package io.eventgate;

import io.eventgate.config.ConfigException;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;

/**
 * How a process that runs EventGate ({@code java -jar}, the dev run) ends when EventGate cannot start:
 * one line on standard error, {@code EventGate cannot start: <reason>}, and exit status
 * {@value #EXIT_STATUS}. Never a stack trace, and never a JVM left running: the Kafka client, Vert.x
 * or an embedded broker may hold threads that would keep it alive, so the process exits.
 *
 * <p>The reason is the configuration error when there is one (it already names the file or setting),
 * else the deepest message of the failure, on one line, with what to do when that is known (a port in
 * use: set {@code CAMEL_SERVER_PORT}).
 */
public final class StartFailure {

    /** The exit status of a failed start. */
    public static final int EXIT_STATUS = 2;
    /** What the line starts with. */
    public static final String PREFIX = "EventGate cannot start: ";

    private static final String PORT_HINT = " (set CAMEL_SERVER_PORT to a free port)";

    private StartFailure() {
    }

    /** Something that starts EventGate and may fail. */
    @FunctionalInterface
    public interface Start {
        void run() throws Exception;
    }

    /** Runs {@code start}; if it throws, prints the one line and exits the JVM. */
    public static void exitOnFailure(Start start) {
        try {
            start.run();
        } catch (Throwable failure) {
            exit(failure);
        }
    }

    /** Prints the one line for {@code failure} and exits the JVM with {@value #EXIT_STATUS}. */
    public static void exit(Throwable failure) {
        System.out.flush();
        System.err.println(PREFIX + reason(failure));
        System.err.flush();
        System.exit(EXIT_STATUS);
    }

    /**
     * The one-line reason: a {@link ConfigException}'s message when the chain has one, else the
     * deepest message in the chain; a route that could not be made is named.
     */
    public static String reason(Throwable failure) {
        String deepest = failure.toString();
        String route = null;
        boolean bind = false;
        // each cause once: a chain may loop back, and this must never hang on it
        for (Throwable t : Causes.of(failure)) {
            if (t instanceof ConfigException) {
                return oneLine(t.getMessage());
            }
            if (t instanceof BindException) {
                bind = true;
            }
            if (route == null && t instanceof org.apache.camel.FailedToCreateRouteException created) {
                route = created.getRouteId();
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepest = t.getMessage();
            }
        }
        String reason = oneLine(deepest);
        if (route != null && !reason.contains(route)) {
            reason = "route " + route + ": " + reason;
        }
        if (bind && !reason.contains("CAMEL_SERVER_PORT")) {
            reason += PORT_HINT;
        }
        return reason;
    }

    /**
     * Fails with the one-line reason when {@code host:port} cannot be listened on (another process has
     * it), before anything starts: Camel would otherwise log the failure with its stack trace first.
     * It only probes: the port is released at once, and the server binds it again when it starts.
     */
    public static void checkPortFree(String host, int port) {
        if (port <= 0) {
            return; // 0: any free port
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ConfigException("the HTTP server cannot listen on " + host + ":" + port + ": "
                    + why.toLowerCase(Locale.ROOT).replace("address already in use", "the port is in use")
                    + PORT_HINT);
        }
    }

    /** {@code camel.server.host} and {@code camel.server.port} as this process gives them (system property, else environment). */
    public static void checkHttpPortFree() {
        String host = System.getProperty("camel.server.host", "0.0.0.0");
        String port = System.getProperty("camel.server.port",
                System.getenv().getOrDefault("CAMEL_SERVER_PORT", "8080")).trim();
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new ConfigException("CAMEL_SERVER_PORT: '" + port + "' is not a port number");
        }
        if (number < 0 || number > 65535) {
            throw new ConfigException("CAMEL_SERVER_PORT: " + number + " is not a port number (0 to 65535)");
        }
        checkPortFree(host, number);
    }

    private static String oneLine(String message) {
        String[] lines = message.strip().split("\\R");
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.equals("^")) {
                continue;
            }
            out.append(out.length() == 0 ? "" : " ").append(trimmed);
        }
        return out.toString();
    }
}
