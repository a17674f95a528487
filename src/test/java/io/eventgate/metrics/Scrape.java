package io.eventgate.metrics;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** A {@code /metrics} answer read as Prometheus text: each sample line, found by name and labels. */
record Scrape(String text) {

    /** {@code GET /metrics} of {@code gateway}, which must answer 200. */
    static Scrape of(io.eventgate.testsupport.RunningGateway gateway) {
        java.net.http.HttpResponse<String> response = gateway.get("/metrics");
        org.junit.jupiter.api.Assertions.assertEquals(200, response.statusCode(), response.body());
        return new Scrape(response.body());
    }

    /** The value of the one series of this name that has these labels ({@code "k", "v", ...}); 0 when none has. */
    double value(String name, String... labels) {
        List<String> matches = series(name, labels);
        if (matches.size() > 1) {
            fail("more than one series " + name + " with " + String.join(",", labels) + ": " + matches);
        }
        return matches.isEmpty() ? 0 : Double.parseDouble(matches.get(0).substring(matches.get(0).lastIndexOf(' ') + 1));
    }

    /** The sample lines of this name that have these labels. */
    List<String> series(String name, String... labels) {
        List<String> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                found.add(line);
            }
        }
        return found;
    }
}
